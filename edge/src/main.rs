//! `vidchain-edge`: ingest video into content, and serve it.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use sp_core::{crypto::Ss58Codec, Pair};
use std::{
	net::SocketAddr,
	path::PathBuf,
	sync::{atomic::Ordering, Arc},
};
use vidchain_edge::{
	access::Licenses,
	cache::ChunkCache,
	chain, claimer,
	ledger::{ChainLedger, Ledger, Questions},
	receipts::ReceiptStore,
	state::{Clock, Edge, Faults, Intake, Limits},
	store::{self, Store},
	viewer,
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
		/// Also register the content on chain (`delivery.registerContent`, signed with --suri).
		#[arg(long, requires = "suri")]
		register: bool,
		/// The node to register through.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		node: String,
	},
	/// Register (and bond) the operator's edge on chain at an endpoint.
	RegisterEdge {
		/// The node (`ws://…`).
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		node: String,
		/// The operator's secret URI.
		#[arg(long)]
		operator: String,
		/// The public HTTP(S) endpoint the edge serves at.
		#[arg(long)]
		endpoint: String,
		/// A region tag.
		#[arg(long, default_value = "local")]
		region: String,
		/// The bond, in whole VID.
		#[arg(long, default_value_t = 1_000)]
		bond_vid: u128,
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
		/// Fault switch for tests: take requests and never answer them (SIGUSR1 toggles it).
		#[arg(long)]
		stop_answering: bool,
		/// Memory for chunks read once and served from memory after, in MiB.
		#[arg(long, default_value_t = 512)]
		cache_mib: u64,
		/// The node to claim through (`ws://…`); without it the edge serves but takes no receipts.
		#[arg(long, requires = "operator")]
		node: Option<String>,
		/// The operator's secret URI: the account the edge is registered (and bonded) as.
		#[arg(long, requires = "node")]
		operator: Option<String>,
		/// The receipt database (default: `<content-dir>/.receipts.redb`).
		#[arg(long)]
		receipts_db: Option<PathBuf>,
		/// The lowest price per MiB (FUEL base units) the edge takes receipts at.
		#[arg(long, default_value_t = 0)]
		min_price_per_mib: u128,
		/// Open connections at most (one more is closed at once).
		#[arg(long, default_value_t = Limits::default().max_connections)]
		max_connections: usize,
		/// Open connections of one client address (an IPv4 address or IPv6 /64) at most.
		#[arg(long, default_value_t = Limits::default().connections_per_client)]
		connections_per_client: usize,
		/// Receipts one client address may post a second (bursts of four full posts).
		#[arg(long, default_value_t = Limits::default().receipts_per_second)]
		receipts_per_second: u32,
		/// Reads of chunks not in memory one client address may cause a second.
		#[arg(long, default_value_t = Limits::default().disk_reads_per_second)]
		disk_reads_per_second: u32,
	},
	/// Watch a content through an edge: download and check every chunk, sign and post receipts.
	Viewer {
		/// The node to read the chain from (`ws://…`).
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		node: String,
		/// The content id.
		#[arg(long)]
		content: String,
		/// The edge's operator account (SS58); default: the best-scored active edge.
		#[arg(long)]
		edge: Option<String>,
		/// The viewer's secret URI.
		#[arg(long)]
		suri: String,
		/// Chunks per receipt.
		#[arg(long, default_value_t = 16)]
		chunks_per_receipt: u32,
		/// The price per MiB (FUEL base units) the viewer signs.
		#[arg(long, default_value_t = 1_000_000_000)]
		price_per_mib: u128,
		/// FUEL to deposit into the viewer's escrow first (e.g. `10`, `0.5`). Without a sponsor
		/// pool that pays the edge, the escrow must cover the content at the signed price, or the
		/// viewer does not start (edges refuse receipts nobody can pay).
		#[arg(long)]
		escrow: Option<String>,
		/// Have this sponsor's pool of the content pay (its SS58 address) instead of the
		/// viewer's escrow; the pool must pay the edge.
		#[arg(long)]
		pool: Option<String>,
	},
}

fn account_of(creator: Option<String>, suri: Option<String>) -> Result<AccountId> {
	match (creator, suri) {
		(Some(c), _) => AccountId::from_ss58check(&c).map_err(|e| anyhow::anyhow!("--creator {c}: not an SS58 address ({e})")),
		(None, Some(s)) => {
			let pair = sp_core::sr25519::Pair::from_string(&s, None)
				.map_err(|_| anyhow::anyhow!("--suri: not a secret URI (`//Alice`, a mnemonic or a 0x seed)"))?;
			Ok(AccountId::from(pair.public()))
		},
		(None, None) => bail!("name the creator with --creator or --suri"),
	}
}

/// FUEL given as a decimal (`10`, `0.5`) in base units.
fn parse_fuel(text: &str) -> Result<u128> {
	let bad = || anyhow::anyhow!("{text:?} is not an amount of FUEL (e.g. 10 or 0.5)");
	let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
	let decimals = vidchain_primitives::FUEL_DECIMALS as usize;
	if whole.is_empty() && frac.is_empty() || frac.len() > decimals || !format!("{whole}{frac}").bytes().all(|b| b.is_ascii_digit()) {
		return Err(bad());
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
	let frac: u128 = if frac.is_empty() { 0 } else { format!("{frac:0<decimals$}").parse().map_err(|_| bad())? };
	whole.checked_mul(vidchain_primitives::FUEL).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

/// Errors are printed as one chain of reasons (`error: …: …`), with a backtrace only when
/// `RUST_BACKTRACE` asks for one.
fn main() -> std::process::ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(r) => r,
		Err(e) => {
			eprintln!("error: starting the async runtime: {e}");
			return std::process::ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(Cli::parse().command)) {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(e) => {
			if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
				eprintln!("error: {e:?}");
			} else {
				eprintln!("error: {e:#}");
			}
			std::process::ExitCode::FAILURE
		},
	}
}

async fn run(command: Command) -> Result<()> {
	match command {
		Command::Ingest { file, out, chunk_size, creator, suri, title, exclusive, register, node } => {
			let signer = if register { Some(chain::keypair(suri.as_deref().expect("clap requires --suri"))?) } else { None };
			let creator = account_of(creator, suri)?;
			let m = store::ingest(&file, &out, chunk_size, creator, title, exclusive)?;
			if let Some(signer) = signer {
				let chain = chain::Chain::connect(&node).await?;
				// Until finalized: the next transaction of this account (whichever tool sends it)
				// takes its nonce from the chain, and edges read contents at the finalized block.
				chain
					.submit_finalized(
						"Delivery",
						"register_content",
						(
							m.manifest_root,
							m.chunk_size,
							m.chunk_count,
							m.total_bytes,
							m.exclusive,
							m.title.as_bytes().to_vec(),
							Vec::<u8>::new(),
						),
						&signer,
					)
					.await?;
				eprintln!("registered on chain");
			}
			eprintln!(
				"ingested {}: {} bytes in {} chunks of {} (manifest root 0x{})",
				file.display(),
				m.total_bytes,
				m.chunk_count,
				m.chunk_size,
				hex::encode(m.manifest_root)
			);
			println!("0x{}", hex::encode(m.content));
		},
		Command::Serve {
			content_dir,
			listen,
			metrics,
			corrupt_fraction,
			stop_answering,
			cache_mib,
			node,
			operator,
			receipts_db,
			min_price_per_mib,
			max_connections,
			connections_per_client,
			receipts_per_second,
			disk_reads_per_second,
		} => {
			if !(0.0..=1.0).contains(&corrupt_fraction) {
				bail!("--corrupt-fraction must be between 0 and 1");
			}
			let store = Store::open(&content_dir).with_context(|| format!("loading {}", content_dir.display()))?;
			if corrupt_fraction > 0.0 {
				tracing::warn!(corrupt_fraction, "fault switch on: serving corrupt chunks");
			}
			let mut licenses = None;
			let mut prober = None;
			let intake = match (node, operator) {
				(Some(node), Some(operator)) => {
					let operator = chain::keypair(&operator)?;
					let chain = chain::Chain::connect(&node).await?;
					let me = chain::account_id(&operator);
					if chain.edge(&me).await?.is_none() {
						tracing::warn!(%me, "this account runs no edge on chain yet: register it (vidchain-edge register-edge)");
					}
					let db = receipts_db.unwrap_or_else(|| content_dir.join(".receipts.redb"));
					prober = Some(vidchain_edge::state::ProbeSigner { key: operator.clone(), genesis: chain.genesis });
					let ledger: Arc<dyn Ledger> = Arc::new(ChainLedger::new(chain.clone(), operator));
					let reader = ledger.clone();
					licenses = Some(Licenses::new(
						me,
						chain.genesis,
						Arc::new(move |viewer, content| {
							let reader = reader.clone();
							Box::pin(async move {
								let mut q = Questions::default();
								q.access.insert((viewer.clone(), content));
								Ok(reader.read(q).await?.access.get(&(viewer, content)).copied().unwrap_or(false))
							})
						}),
					));
					Some(Intake::new(Arc::new(ReceiptStore::open(&db)?), ledger, Arc::new(Clock::default()), min_price_per_mib))
				},
				_ => None,
			};
			let faults = Faults::corrupting(corrupt_fraction);
			faults.stalled.store(stop_answering, Ordering::Relaxed);
			let limits = Limits {
				max_connections,
				connections_per_client,
				receipts_per_second,
				disk_reads_per_second,
				..Limits::default()
			};
			let mut edge = Edge::with_limits(store, faults, intake, limits);
			edge.licenses = licenses;
			edge.prober = prober;
			edge.cache = ChunkCache::new(cache_mib.saturating_mul(1 << 20));
			let edge = Arc::new(edge);
			// SIGUSR1 toggles the stop-answering fault.
			let e = edge.clone();
			let mut usr1 = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1())?;
			tokio::spawn(async move {
				while usr1.recv().await.is_some() {
					let stalled = !e.faults.stalled.fetch_xor(true, Ordering::Relaxed);
					tracing::warn!(stalled, "fault switch: stop answering toggled");
				}
			});
			if stop_answering {
				tracing::warn!("fault switch on: answering nothing");
			}
			if edge.intake.is_some() {
				tokio::spawn(claimer::run(edge.clone()));
			}
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
		Command::RegisterEdge { node, operator, endpoint, region, bond_vid } => {
			let chain = chain::Chain::connect(&node).await?;
			let bond = bond_vid.checked_mul(vidchain_primitives::VID).context("--bond-vid too large")?;
			chain
				.submit_finalized("Delivery", "register_edge", (endpoint.into_bytes(), region.into_bytes(), bond), &chain::keypair(&operator)?)
				.await
				.map_err(|e| anyhow::anyhow!("registering the edge: {e}"))?;
			eprintln!("edge registered: validators sample it from the next epoch on");
		},
		Command::Viewer { node, content, edge, suri, chunks_per_receipt, price_per_mib, escrow, pool } => {
			let escrow = escrow.as_deref().map(parse_fuel).transpose().context("--escrow")?;
			let chain = chain::Chain::connect(&node).await?;
			let content: vidchain_primitives::Hash =
				content.parse().map_err(|_| anyhow::anyhow!("--content {content}: not a content id (0x and 64 hex digits)"))?;
			let edge = edge
				.map(|e| AccountId::from_ss58check(&e).map_err(|err| anyhow::anyhow!("--edge {e}: not an SS58 address ({err})")))
				.transpose()?;
			let pool = pool
				.map(|p| AccountId::from_ss58check(&p).map_err(|err| anyhow::anyhow!("--pool {p}: not an SS58 address ({err})")))
				.transpose()?;
			let watch = viewer::Watch {
				content,
				edge,
				viewer: chain::keypair(&suri)?,
				chunks_per_receipt,
				price_per_mib,
				escrow,
				pool,
				progress: true,
			};
			let s = viewer::watch(&chain, &watch).await?;
			let secs = s.elapsed.as_secs_f64().max(1e-6);
			eprintln!(
				"watched {} chunks ({} bytes) from edge {} in {:.1} s ({:.1} Mbit/s); {} receipts accepted",
				s.chunks,
				s.bytes,
				s.edge.map_or_else(|| "?".into(), |e| e.to_string()),
				secs,
				s.bytes as f64 * 8.0 / 1e6 / secs,
				s.receipts
			);
			println!("{}", s.receipts);
		},
	}
	Ok(())
}
