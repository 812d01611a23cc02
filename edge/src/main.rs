//! `vidchain-edge`: ingest video into content, and serve it.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use sp_core::{crypto::Ss58Codec, Pair};
use std::{net::SocketAddr, path::PathBuf, sync::Arc};
use vidchain_edge::{
	metrics::Metrics,
	server::{Edge, Faults},
	store::{self, Store},
};
use vidchain_primitives::AccountId;

#[derive(Parser)]
#[command(name = "vidchain-edge", version, about = "Vidchain's edge server: ingest video, serve chunks with their Merkle paths")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Split a file into chunks under a content directory and print the content's id.
	Ingest {
		/// The file to ingest.
		file: PathBuf,
		/// The content directory to write into.
		#[arg(long, default_value = "content")]
		out: PathBuf,
		/// Bytes per chunk (at most 16 MiB).
		#[arg(long, default_value_t = 1 << 20)]
		chunk_size: u32,
		/// The creator's account (SS58), which the content id binds.
		#[arg(long, conflicts_with = "suri")]
		creator: Option<String>,
		/// The creator's secret URI (e.g. `//Alice`): its account is the creator.
		#[arg(long)]
		suri: Option<String>,
		/// A title.
		#[arg(long, default_value = "")]
		title: String,
		/// Viewing needs a clip license.
		#[arg(long)]
		exclusive: bool,
	},
	/// Serve the contents of a content directory over HTTP.
	Serve {
		/// The content directory.
		#[arg(long, default_value = "content")]
		content_dir: PathBuf,
		/// Where to listen.
		#[arg(long, default_value = "127.0.0.1:8480")]
		listen: SocketAddr,
		/// Where to serve Prometheus metrics (`/metrics`); none if absent.
		#[arg(long)]
		metrics: Option<SocketAddr>,
		/// Fault switch for tests: serve this share of chunks (0.0–1.0) corrupted.
		#[arg(long, default_value_t = 0.0)]
		corrupt_fraction: f64,
	},
}

fn account_of(creator: Option<String>, suri: Option<String>) -> Result<AccountId> {
	match (creator, suri) {
		(Some(c), _) => AccountId::from_ss58check(&c).map_err(|e| anyhow::anyhow!("--creator {c}: {e:?}")),
		(None, Some(s)) => {
			let pair = sp_core::sr25519::Pair::from_string(&s, None).map_err(|e| anyhow::anyhow!("--suri: {e:?}"))?;
			Ok(AccountId::from(pair.public()))
		},
		(None, None) => bail!("name the creator with --creator or --suri"),
	}
}

#[tokio::main]
async fn main() -> Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Command::Ingest { file, out, chunk_size, creator, suri, title, exclusive } => {
			let creator = account_of(creator, suri)?;
			let m = store::ingest(&file, &out, chunk_size, creator, title, exclusive)?;
			eprintln!(
				"ingested {}: {} bytes in {} chunks of {} (manifest root {:?})",
				file.display(),
				m.total_bytes,
				m.chunk_count,
				m.chunk_size,
				m.manifest_root
			);
			println!("{:?}", m.content);
		},
		Command::Serve { content_dir, listen, metrics, corrupt_fraction } => {
			if !(0.0..=1.0).contains(&corrupt_fraction) {
				bail!("--corrupt-fraction must be between 0 and 1");
			}
			let store = Store::open(&content_dir).with_context(|| format!("loading {}", content_dir.display()))?;
			if corrupt_fraction > 0.0 {
				tracing::warn!(corrupt_fraction, "fault switch on: serving corrupt chunks");
			}
			let edge = Arc::new(Edge { store, metrics: Metrics::new(), faults: Faults { corrupt_fraction } });
			let shutdown = async {
				let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
					.expect("a SIGTERM handler");
				tokio::select! {
					_ = tokio::signal::ctrl_c() => {},
					_ = term.recv() => {},
				}
				tracing::info!("shutting down");
			};
			vidchain_edge::serve(edge, listen, metrics, None, shutdown).await?;
		},
	}
	Ok(())
}
