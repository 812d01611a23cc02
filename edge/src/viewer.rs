//! `vidchain-edge viewer`: watch a content through an edge as a viewer does — download every
//! chunk, check each against the manifest root *registered on chain* with the path the edge
//! serves, and sign and post a receipt for each batch of good chunks. A chunk that does not
//! check stops the download: no receipt is ever signed for bytes that were not delivered.

use crate::{
	chain::{account_id, sign, Chain},
	receipts::SignedReceipt,
};
use anyhow::{bail, Context, Result};
use codec::{Decode, Encode};
use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, Request, StatusCode};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use std::time::{Duration, Instant};
use subxt_signer::sr25519::Keypair;
use vidchain_primitives::{
	delivery::{ContentId, DeliveryReceipt, Payer},
	manifest::{http as paths, ChunkProof},
	AccountId,
};

/// What to watch, from where, and at what price.
pub struct Watch {
	/// The content.
	pub content: ContentId,
	/// The edge's operator account (`None`: the best-scored active edge on chain).
	pub edge: Option<AccountId>,
	/// The viewer's key.
	pub viewer: Keypair,
	/// Chunks per receipt (one session each).
	pub chunks_per_receipt: u32,
	/// The price per MiB the viewer signs.
	pub price_per_mib: u128,
	/// FUEL (base units) to deposit into the viewer's escrow before watching (`None`: none).
	pub escrow: Option<u128>,
	/// The sponsor whose pool of the content pays the receipts (`None`: the viewer's escrow).
	pub pool: Option<AccountId>,
	/// Print progress to stderr.
	pub progress: bool,
}

/// `amount` FUEL base units as FUEL with its decimals (`1.5 FUEL`).
pub fn fuel(amount: u128) -> String {
	let unit = vidchain_primitives::FUEL;
	let (whole, frac) = (amount / unit, amount % unit);
	if frac == 0 {
		return format!("{whole} FUEL");
	}
	let frac = format!("{frac:0width$}", width = vidchain_primitives::FUEL_DECIMALS as usize);
	format!("{whole}.{} FUEL", frac.trim_end_matches('0'))
}

/// What a watch did.
#[derive(Debug, Default)]
pub struct Summary {
	/// The edge used.
	pub edge: Option<AccountId>,
	/// Chunks downloaded and checked.
	pub chunks: u32,
	/// Bytes downloaded and checked.
	pub bytes: u64,
	/// Receipts the edge accepted.
	pub receipts: u32,
	/// Wall time.
	pub elapsed: Duration,
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn get(client: &HttpClient, url: &str, accept_scale: bool, access: Option<&str>) -> Result<(StatusCode, Vec<u8>)> {
	let mut req = Request::get(url);
	if accept_scale {
		req = req.header("accept", paths::SCALE_MEDIA_TYPE);
	}
	if let Some(token) = access {
		req = req.header(paths::ACCESS_HEADER, token);
	}
	let res = tokio::time::timeout(Duration::from_secs(30), client.request(req.body(Full::default())?))
		.await
		.context("the edge did not answer in 30 s")??;
	let status = res.status();
	Ok((status, res.into_body().collect().await?.to_bytes().to_vec()))
}

/// Watch `w.content` on the chain at `chain` (see the module docs).
pub async fn watch(chain: &Chain, w: &Watch) -> Result<Summary> {
	let started = Instant::now();
	let me = account_id(&w.viewer);
	// Edges take receipts only for content registered in a finalized block: wait for it.
	let mut content = None;
	for _ in 0..30 {
		content = chain.content_at(&w.content, Some(chain.finalized_head().await?)).await?;
		if content.is_some() || chain.content(&w.content).await?.is_none() {
			break;
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	let content = content.context("no such content on chain (in a finalized block)")?;
	if content.retired_at.is_some() {
		bail!("the content is retired");
	}
	let edge = match &w.edge {
		Some(e) => chain.edge(e).await?.context("no such edge on chain")?,
		None => chain.edges(None, 1).await?.into_iter().next().context(
			"no active edge on chain: an edge must register (vidchain-edge register-edge) and not be suspended",
		)?,
	};
	// Exclusive content: only a license holder is served (the edge refuses others with 403).
	if content.exclusive && !chain.has_access(&me, &w.content).await? {
		bail!("exclusive content: {me} holds no license for it (the edge would answer 403)");
	}
	// Who pays, named in every receipt: the sponsor pool asked for, which must pay this edge now,
	// or else the viewer's escrow, which must cover the whole content at the signed price
	// (edges refuse receipts their payer cannot cover).
	let payer = match &w.pool {
		Some(sponsor) => {
			let epoch = chain.epoch().await?.current;
			let pool = chain.pool(&w.content, sponsor, None).await?;
			if pool.as_ref().and_then(|p| p.pays(&edge.edge, epoch)).is_none() {
				bail!("{sponsor} has no pool of this content that pays edge {}", edge.edge);
			}
			Payer::Pool(sponsor.clone())
		},
		None => Payer::Escrow,
	};
	if payer == Payer::Escrow {
		if let Some(amount) = w.escrow.filter(|a| *a > 0) {
			if w.progress {
				eprintln!("depositing {} into the escrow of {me}…", fuel(amount));
			}
			chain
				.submit_finalized("Rewards", "deposit_escrow", (amount, 0u128), &w.viewer)
				.await
				.map_err(|e| anyhow::anyhow!("depositing into the escrow: {e}"))?;
		}
		let min = chain.schedule().await?.min_price_per_mib;
		let needed = crate::intake::cost(content.total_bytes, w.price_per_mib, min);
		let held = chain.escrow(&me, Some(chain.finalized_head().await?)).await?;
		let windows = chain.windows(chain.epoch().await?.current).await?;
		let funds = crate::ledger::escrow_funds(held.as_ref(), windows.proofs_until);
		if funds < needed {
			bail!(
				"the escrow of {me} holds {}; watching this content at {} per MiB costs {}: deposit with --escrow <FUEL>",
				fuel(funds),
				fuel(w.price_per_mib.max(min)),
				fuel(needed),
			);
		}
	}
	let base = String::from_utf8(edge.endpoint.clone())?.trim_end_matches('/').to_string();
	let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
	let mut summary = Summary { edge: Some(edge.edge.clone()), ..Default::default() };
	// Exclusive content: a token signed by the viewer for this edge (the edge reads the license
	// from the chain); renewed before it expires.
	let token_for = |now: std::time::SystemTime| -> Result<(String, std::time::SystemTime)> {
		let lifetime = Duration::from_millis(vidchain_primitives::licenses::MAX_ACCESS_TOKEN_LIFETIME_MS / 2);
		let expires = now + lifetime;
		let t = vidchain_primitives::licenses::AccessToken {
			viewer: me.clone(),
			edge: edge.edge.clone(),
			content: w.content,
			expires_at_ms: expires.duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64,
		};
		let signature = crate::chain::sign(&w.viewer, &t.signing_payload(&chain.genesis));
		Ok((hex::encode((t, signature).encode()), expires - lifetime / 2))
	};
	let mut access = if content.exclusive { Some(token_for(std::time::SystemTime::now())?) } else { None };
	let per = w.chunks_per_receipt.max(1);
	let mut first = 0u32;
	while first < content.chunk_count {
		let count = per.min(content.chunk_count - first);
		let batch_start = Instant::now();
		let mut ttfb_ms = 0u32;
		let mut bytes = 0u64;
		for i in first..first + count {
			if access.as_ref().is_some_and(|(_, renew)| std::time::SystemTime::now() > *renew) {
				access = Some(token_for(std::time::SystemTime::now())?);
			}
			let token = access.as_ref().map(|(t, _)| t.as_str());
			let t = Instant::now();
			let (status, chunk) = get(&client, &format!("{base}{}", paths::chunk_path(&w.content, i)), false, token).await?;
			if i == first {
				ttfb_ms = t.elapsed().as_millis().min(u32::MAX as u128) as u32;
			}
			if status != StatusCode::OK {
				bail!("chunk {i}: the edge answered {status}: {}", String::from_utf8_lossy(&chunk).trim());
			}
			let (status, proof) =
				get(&client, &format!("{base}{}", paths::chunk_proof_path(&w.content, i)), true, token).await?;
			if status != StatusCode::OK {
				bail!("proof of chunk {i}: the edge answered {status}");
			}
			let proof = ChunkProof::decode(&mut &proof[..]).context("the edge served a proof that does not decode")?;
			if proof.index != i || !proof.verify(&content.manifest_root, content.chunk_count, &chunk) {
				bail!("chunk {i} does not match the manifest root on chain: not signing for it");
			}
			bytes += chunk.len() as u64;
		}
		let secs = batch_start.elapsed().as_secs_f64().max(1e-6);
		let throughput_kbps = ((bytes as f64 * 8.0 / 1000.0) / secs).min(u32::MAX as f64) as u32;
		// One session per receipt: a fresh nonce, from the clock and the range.
		let nonce = u64::from_le_bytes(
			// blake2-256, as everywhere in the protocol.
			vidchain_primitives::manifest::chunk_hash(
				&(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos(), first, &w.content).encode(),
			)
			.as_bytes()[..8]
				.try_into()
				.expect("8 bytes"),
		);
		let mut accepted = false;
		for attempt in 0..3 {
			if attempt > 0 {
				// The epoch turned between signing and posting, or the edge has not seen the new
				// epoch yet (it reads the chain every second): sign again, a moment later.
				tokio::time::sleep(Duration::from_millis(1_500)).await;
			}
			let epoch = chain.epoch().await?.current;
			let receipt = DeliveryReceipt {
				edge: edge.edge.clone(),
				content: w.content,
				viewer: me.clone(),
				session_nonce: nonce,
				first_chunk: first,
				chunk_count: count,
				bytes,
				price_per_mib: w.price_per_mib,
				payer: payer.clone(),
				epoch,
				ttfb_ms,
				throughput_kbps,
			};
			let signature = sign(&w.viewer, &receipt.signing_payload(&chain.genesis));
			let body: Vec<SignedReceipt> = vec![(receipt, signature)];
			let req = Request::post(format!("{base}/receipts"))
				.header("content-type", paths::SCALE_MEDIA_TYPE)
				.body(Full::new(Bytes::from(body.encode())))?;
			let res = tokio::time::timeout(Duration::from_secs(30), client.request(req)).await??;
			let status = res.status();
			let text = String::from_utf8_lossy(&res.into_body().collect().await?.to_bytes()).to_string();
			if status == StatusCode::OK {
				accepted = true;
				break;
			}
			if !text.contains("current epoch") {
				bail!("the edge refused the receipt for chunks {first}..{}: {status} {text}", first + count);
			}
		}
		if !accepted {
			bail!("the edge refused the receipt for chunks {first}..{} three times (epoch)", first + count);
		}
		summary.receipts += 1;
		summary.chunks += count;
		summary.bytes += bytes;
		first += count;
		if w.progress {
			eprintln!(
				"[{:>3}%] {}/{} chunks, {} bytes, {} receipts",
				summary.chunks as u64 * 100 / content.chunk_count as u64,
				summary.chunks,
				content.chunk_count,
				summary.bytes,
				summary.receipts
			);
		}
	}
	summary.elapsed = started.elapsed();
	Ok(summary)
}
