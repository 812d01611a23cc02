//! Harness for Vidchain's end-to-end tests: start the real `vidchain-node` binary on free
//! loopback ports, talk to it over JSON-RPC, and stop it (SIGINT, bounded) when done.
//!
//! Every node binds 127.0.0.1 only (RPC, p2p), runs without Prometheus, telemetry or mDNS,
//! and is killed on drop if a test panics before it stops it.

use anyhow::{anyhow, bail, Context, Result};
use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};
use subxt::{
	dynamic,
	ext::scale_decode::DecodeAsType,
	extrinsics::ExtrinsicEvents,
	rpcs::{rpc_params, RpcClient},
	transactions::Payload,
	utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

pub use subxt;
pub use subxt_signer;

/// The node binary under test: `$VIDCHAIN_NODE_BIN`, else `$CARGO_TARGET_DIR/release/vidchain-node`,
/// else `~/.cache/vidchain/target/release/vidchain-node` (the scripts' shared target directory).
pub fn node_binary() -> Result<PathBuf> {
	let candidates = [
		std::env::var_os("VIDCHAIN_NODE_BIN").map(PathBuf::from),
		std::env::var_os("CARGO_TARGET_DIR")
			.map(|d| PathBuf::from(d).join("release").join("vidchain-node")),
		std::env::var_os("HOME").map(|h| {
			PathBuf::from(h).join(".cache/vidchain/target/release/vidchain-node")
		}),
	];
	candidates
		.into_iter()
		.flatten()
		.find(|p| p.is_file())
		.ok_or_else(|| anyhow!("vidchain-node not found: build it with scripts/test.sh or set VIDCHAIN_NODE_BIN"))
}

/// A free TCP port on 127.0.0.1 (asked of the OS, then released for the node to take). The
/// tests of one binary run at once: a port handed out once is never handed out again by this
/// process, so two nodes started side by side cannot be given the same port before either binds.
pub fn free_port() -> Result<u16> {
	static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
	for _ in 0..100 {
		let listener = TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
		let port = listener.local_addr()?.port();
		let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
		if !given.contains(&port) {
			given.push(port);
			return Ok(port);
		}
	}
	Err(anyhow!("no free 127.0.0.1 port that this process has not handed out already"))
}

/// Where the node keeps its database.
#[derive(Clone, Debug)]
pub enum Storage {
	/// `--tmp`: a fresh database, deleted when the node stops.
	Temporary,
	/// `--base-path DIR`: kept across restarts.
	BasePath(PathBuf),
}

/// A running `vidchain-node --dev`.
pub struct Node {
	child: Option<Child>,
	/// JSON-RPC port on 127.0.0.1 (HTTP and WebSocket).
	pub rpc_port: u16,
	/// Where the node's stdout and stderr go.
	pub log_path: PathBuf,
}

impl Node {
	/// Start a dev node (Alice authors and finalizes) with the given storage.
	pub fn start_dev(storage: Storage) -> Result<Node> {
		Node::start_dev_with(storage, &[])
	}

	/// Start a dev node with extra command-line arguments (for example `--chain spec.json`, which
	/// replaces the `dev` chain and keeps the other `--dev` defaults, or pool limits).
	pub fn start_dev_with(storage: Storage, extra: &[String]) -> Result<Node> {
		let mut args = vec!["--dev".to_string()];
		args.extend_from_slice(extra);
		Node::start(storage, &args)
	}

	/// Start `vidchain-node` with `args` (no `--dev`) on free loopback ports.
	pub fn start(storage: Storage, args: &[String]) -> Result<Node> {
		let bin = node_binary()?;
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let log_path = std::env::temp_dir().join(format!(
			"vidchain-test-node-{}-{rpc_port}.log",
			std::process::id()
		));
		let log = std::fs::File::create(&log_path)?;
		let mut cmd = Command::new(&bin);
		match &storage {
			Storage::Temporary => cmd.arg("--tmp"),
			Storage::BasePath(dir) => cmd.arg("--base-path").arg(dir),
		};
		cmd.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
			.args(args)
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log);
		let child = cmd.spawn().with_context(|| format!("spawning {}", bin.display()))?;
		Ok(Node { child: Some(child), rpc_port, log_path })
	}

	/// `ws://127.0.0.1:<rpc_port>`.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Wait (at most `timeout`) until the node's log holds `text`; the whole log then.
	pub async fn wait_for_log(&self, text: &str, timeout: Duration) -> Result<String> {
		let deadline = Instant::now() + timeout;
		loop {
			let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
			if log.contains(text) {
				return Ok(log);
			}
			if Instant::now() > deadline {
				bail!("no {text:?} in the node's log within {timeout:?}:\n{}", self.log_tail(40));
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
	}

	/// The last `lines` lines of the node's log (for failure messages).
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Wait (at most `timeout`) until the node answers JSON-RPC, and return a raw RPC client.
	pub async fn rpc(&mut self, timeout: Duration) -> Result<RpcClient> {
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
				bail!("node exited early with {status}:\n{}", self.log_tail(40));
			}
			if let Ok(client) = RpcClient::from_insecure_url(self.ws_url()).await {
				if client.request::<serde_json::Value>("system_health", rpc_params![]).await.is_ok() {
					return Ok(client);
				}
			}
			if Instant::now() > deadline {
				bail!("node did not answer RPC within {timeout:?}:\n{}", self.log_tail(40));
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// Stop the node with SIGINT, as an operator's Ctrl-C does, and wait at most `timeout` for it
	/// to exit; SIGKILL after that (and report it as an error).
	pub fn stop(&mut self, timeout: Duration) -> Result<ExitStatus> {
		let Some(mut child) = self.child.take() else { bail!("node already stopped") };
		let _ = Command::new("kill").arg("-INT").arg(child.id().to_string()).status();
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = child.try_wait()? {
				return Ok(status);
			}
			if Instant::now() > deadline {
				let _ = child.kill();
				let _ = child.wait();
				bail!("node ignored SIGINT for {timeout:?}; killed:\n{}", self.log_tail(40));
			}
			std::thread::sleep(Duration::from_millis(100));
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// A block number from a header's JSON (`"number": "0x1a"`).
fn header_number(header: &serde_json::Value) -> Result<u64> {
	let hex = header["number"].as_str().ok_or_else(|| anyhow!("header without number: {header}"))?;
	Ok(u64::from_str_radix(hex.trim_start_matches("0x"), 16)?)
}

/// Height of the best block.
pub async fn best_height(rpc: &RpcClient) -> Result<u64> {
	let header: serde_json::Value = rpc.request("chain_getHeader", rpc_params![]).await?;
	header_number(&header)
}

/// Height of the last finalized block.
pub async fn finalized_height(rpc: &RpcClient) -> Result<u64> {
	let hash: String = rpc.request("chain_getFinalizedHead", rpc_params![]).await?;
	let header: serde_json::Value = rpc.request("chain_getHeader", rpc_params![hash]).await?;
	header_number(&header)
}

/// Poll `probe` every half second until it returns a value ≥ `target`, for at most `timeout`.
pub async fn wait_until_at_least<F, Fut>(what: &str, target: u64, timeout: Duration, mut probe: F) -> Result<u64>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<u64>>,
{
	let deadline = Instant::now() + timeout;
	let mut last = None;
	loop {
		match probe().await {
			Ok(v) if v >= target => return Ok(v),
			Ok(v) => last = Some(v),
			Err(_) => {},
		}
		if Instant::now() > deadline {
			bail!("{what} did not reach {target} within {timeout:?} (last seen: {last:?})");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// `who`'s edge as `delivery_edge` shows it (JSON; `null` if it runs none).
pub async fn edge_json(rpc: &RpcClient, who: &Keypair) -> Result<serde_json::Value> {
	Ok(rpc.request("delivery_edge", rpc_params![account_id(who).to_string()]).await?)
}

/// `edge`'s claim of `epoch` once it is `Verified` or `Rejected` (polled every 2 s), or an error
/// after `timeout` that ends with `context()` (an edge's log, say).
pub async fn claim_verdict(
	rpc: &RpcClient,
	edge: &str,
	epoch: u32,
	timeout: Duration,
	context: impl Fn() -> String,
) -> Result<serde_json::Value> {
	let deadline = Instant::now() + timeout;
	loop {
		let claim: serde_json::Value = rpc.request("delivery_claim", rpc_params![edge, epoch]).await?;
		if claim["status"] == "Verified" || claim["status"] == "Rejected" {
			return Ok(claim);
		}
		if Instant::now() > deadline {
			bail!("no verdict on the claim of {edge} for epoch {epoch} in {timeout:?}: {claim}\n{}", context());
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
	/// Create `<tmp>/vidchain-<name>-<pid>-<nanos>`.
	pub fn new(name: &str) -> Result<TempDir> {
		let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
		let dir = std::env::temp_dir().join(format!("vidchain-{name}-{}-{nanos}", std::process::id()));
		std::fs::create_dir_all(&dir)?;
		Ok(TempDir(dir))
	}

	/// The directory.
	pub fn path(&self) -> &Path {
		&self.0
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// `System.Account` as the tests read it (fields they do not name are skipped).
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct AccountInfo {
	/// Balances of the account.
	pub data: AccountData,
}

/// `pallet_balances::AccountData` as the tests read it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct AccountData {
	/// Free balance.
	pub free: u128,
	/// Reserved and held balance.
	pub reserved: u128,
}

/// `System.Account` of `who` at the latest finalized block.
pub async fn account(api: &OnlineClient<PolkadotConfig>, who: &Keypair) -> Result<AccountData> {
	let at = api.at_current_block().await?;
	let addr = dynamic::storage::<(AccountId32,), AccountInfo>("System", "Account");
	Ok(at.storage().fetch(addr, (who.public_key().to_account_id(),)).await?.decode()?.data)
}

/// Sign `call` by `who`, submit it and wait for finality. The outer error is a transport or
/// client failure; the inner `Err` is the dispatch error, as text, of a transaction that failed.
pub async fn submit<C: Payload>(
	api: &OnlineClient<PolkadotConfig>,
	call: &C,
	who: &Keypair,
) -> Result<std::result::Result<ExtrinsicEvents<PolkadotConfig>, String>> {
	let at = api.at_current_block().await?;
	let progress = at.transactions().sign_and_submit_then_watch_default(call, who).await?;
	Ok(progress.wait_for_finalized_success().await.map_err(|e| format!("{e} {e:?}")))
}

pub use vidchain_edge::chain::{account_id, sign, PreEncoded, RawCall};

/// The hash of block `n` (`chain_getBlockHash`).
pub async fn block_hash(rpc: &RpcClient, n: u64) -> Result<[u8; 32]> {
	let hash: Option<String> = rpc.request("chain_getBlockHash", rpc_params![n]).await?;
	let hash = hash.ok_or_else(|| anyhow!("no block {n} yet"))?;
	let bytes = hex::decode(hash.trim_start_matches("0x"))?;
	bytes.try_into().map_err(|_| anyhow!("a block hash of another length"))
}


/// The edge binary under test: `$VIDCHAIN_EDGE_BIN`, else `vidchain-edge` next to the node
/// binary (the scripts build both into one target directory).
pub fn edge_binary() -> Result<PathBuf> {
	if let Some(p) = std::env::var_os("VIDCHAIN_EDGE_BIN").map(PathBuf::from).filter(|p| p.is_file()) {
		return Ok(p);
	}
	let node = node_binary()?;
	let edge = node.with_file_name("vidchain-edge");
	if edge.is_file() {
		Ok(edge)
	} else {
		bail!("vidchain-edge not found next to {}: build it with scripts/build.sh or set VIDCHAIN_EDGE_BIN", node.display())
	}
}

/// Run `vidchain-edge` with `args` to completion (bounded by `timeout`) and return its stdout.
pub fn run_edge(args: &[&str], timeout: Duration) -> Result<String> {
	let mut child = Command::new(edge_binary()?)
		.args(args)
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()?;
	let deadline = Instant::now() + timeout;
	loop {
		if child.try_wait()?.is_some() {
			let out = child.wait_with_output()?;
			if !out.status.success() {
				bail!("vidchain-edge {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
			}
			return Ok(String::from_utf8(out.stdout)?);
		}
		if Instant::now() > deadline {
			let _ = child.kill();
			let _ = child.wait();
			bail!("vidchain-edge {args:?} did not finish within {timeout:?}");
		}
		std::thread::sleep(Duration::from_millis(50));
	}
}

/// A running `vidchain-edge serve` on 127.0.0.1, killed on drop.
pub struct EdgeServer {
	child: Option<Child>,
	/// Its HTTP port on 127.0.0.1.
	pub port: u16,
	/// Where its stdout and stderr go.
	pub log_path: PathBuf,
}

impl EdgeServer {
	/// Serve `content_dir` on a free loopback port with extra `args` (fault switches…), and
	/// wait (at most `timeout`) until it answers `/health`.
	pub async fn start(content_dir: &Path, args: &[&str], timeout: Duration) -> Result<EdgeServer> {
		EdgeServer::start_on(content_dir, free_port()?, args, timeout).await
	}

	/// Like [`EdgeServer::start`], on a given port (a restart keeps its registered endpoint).
	pub async fn start_on(content_dir: &Path, port: u16, args: &[&str], timeout: Duration) -> Result<EdgeServer> {
		let log_path = std::env::temp_dir().join(format!("vidchain-test-edge-{}-{port}.log", std::process::id()));
		let log = std::fs::File::create(&log_path)?;
		let child = Command::new(edge_binary()?)
			.arg("serve")
			.arg("--content-dir")
			.arg(content_dir)
			.args(["--listen", &format!("127.0.0.1:{port}")])
			.args(args)
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log)
			.spawn()?;
		let mut edge = EdgeServer { child: Some(child), port, log_path };
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = edge.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
				bail!("edge exited early with {status}:\n{}", std::fs::read_to_string(&edge.log_path).unwrap_or_default());
			}
			if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
				return Ok(edge);
			}
			if Instant::now() > deadline {
				edge.kill();
				bail!("edge did not listen within {timeout:?}");
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}

	/// The last `lines` lines of its log.
	pub fn log_tail(&self, lines: usize) -> String {
		let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
		let all: Vec<&str> = text.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// `http://127.0.0.1:<port>`: what the edge registers as its endpoint.
	pub fn endpoint(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// Stop it with SIGKILL (what a crash does) and wait for it.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

impl Drop for EdgeServer {
	fn drop(&mut self) {
		self.kill();
	}
}
