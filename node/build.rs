use std::{fs, path::Path};
use substrate_build_script_utils::{generate_cargo_keys, rerun_if_git_head_changed};

fn main() {
	// The commit the binary names in its version (`git rev-parse HEAD` in this checkout).
	generate_cargo_keys();
	rerun_if_this_checkouts_head_changed();
}

/// Runs again (and so names the new commit) when this checkout's HEAD moves. The paths are
/// relative to the package: the target directory is shared by every checkout on the machine
/// (scripts/env.sh), and the absolute paths upstream's `rerun_if_git_head_changed` prints would
/// watch whichever checkout built first. A worktree (`.git` is a file) falls back to those.
fn rerun_if_this_checkouts_head_changed() {
	let git = Path::new("../.git");
	if !git.is_dir() {
		return rerun_if_git_head_changed();
	}
	println!("cargo:rerun-if-changed=../.git/HEAD");
	let head = fs::read_to_string(git.join("HEAD")).unwrap_or_default();
	match head.trim().strip_prefix("ref: ") {
		// A branch: its loose ref, or the packed refs when it has none.
		Some(branch) if git.join(branch).is_file() => println!("cargo:rerun-if-changed=../.git/{branch}"),
		Some(_) => println!("cargo:rerun-if-changed=../.git/packed-refs"),
		// A detached HEAD holds the commit itself.
		None => {},
	}
}
