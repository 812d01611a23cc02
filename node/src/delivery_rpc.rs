//! Vidchain's own JSON-RPC methods over the `DeliveryApi` runtime API: `delivery_epoch`,
//! `delivery_windows`, `delivery_edge`, `delivery_edges`, `delivery_content`, `delivery_claim`
//! and `delivery_draw`. Each takes an optional block hash as its last parameter (default: the
//! best block). Balances are JSON integers in base units (12 decimals); read them as big
//! integers, they can exceed 2^53. Byte strings that hold text (endpoint, region, title, URI)
//! are JSON strings.
//!
//! Errors are JSON-RPC error objects:
//! - `9000`: the runtime API call failed (for example, an unknown or pruned block hash);
//! - `9001`: `delivery_edges`' `limit` is 0 or above `MAX_EDGES_PER_QUERY` (256).
//!
//! "Not found" is not an error: `delivery_edge`, `delivery_content`, `delivery_claim` and
//! `delivery_draw` answer `null`.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use vidchain_primitives::{
	delivery::{
		ClaimView, ContentId, ContentView, DeliveryApi, DrawView, EdgeView, EpochIndex, EpochInfo, EpochWindows,
		MAX_EDGES_PER_QUERY,
	},
	AccountId, BlockNumber, OpaqueBlock as Block,
};

use crate::rewards_rpc::api_error;

type BlockHash = <Block as sp_runtime::traits::Block>::Hash;

/// `delivery_edges` was asked for no edges or for more than [`MAX_EDGES_PER_QUERY`].
pub const LIMIT_OUT_OF_RANGE: i32 = 9001;

/// The `delivery_*` methods.
#[rpc(client, server)]
pub trait DeliveryRpc<BlockHash> {
	/// The epochs as they stand: the current epoch, the schedule (epoch length, claim and proof
	/// windows in blocks) and the last sealed epoch.
	#[method(name = "delivery_epoch")]
	fn epoch(&self, at: Option<BlockHash>) -> RpcResult<EpochInfo<BlockNumber>>;

	/// `epoch`'s timeline: first block, claim window, seed block, proof window.
	#[method(name = "delivery_windows")]
	fn windows(&self, epoch: EpochIndex, at: Option<BlockHash>) -> RpcResult<EpochWindows<BlockNumber>>;

	/// The edge run by `who` (`null` if none).
	#[method(name = "delivery_edge")]
	fn edge(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Option<EdgeView<AccountId, BlockNumber>>>;

	/// Active edges, best score first, of `region` if given (`null` for any), at most `limit`
	/// (1 to 256): what a viewer picks an edge from.
	#[method(name = "delivery_edges")]
	fn edges(
		&self,
		region: Option<String>,
		limit: u32,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<EdgeView<AccountId, BlockNumber>>>;

	/// A content (`null` if not registered).
	#[method(name = "delivery_content")]
	fn content(&self, content: ContentId, at: Option<BlockHash>) -> RpcResult<Option<ContentView<AccountId, BlockNumber>>>;

	/// `edge`'s claim for `epoch` (`null` if none).
	#[method(name = "delivery_claim")]
	fn claim(
		&self,
		edge: AccountId,
		epoch: EpochIndex,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ClaimView<AccountId, BlockNumber>>>;

	/// The byte offsets `edge`'s claim for `epoch` must prove, with the seed and the proof
	/// window (`null` without a claim or before its seed block).
	#[method(name = "delivery_draw")]
	fn draw(&self, edge: AccountId, epoch: EpochIndex, at: Option<BlockHash>) -> RpcResult<Option<DrawView<BlockNumber>>>;
}

/// The `delivery_*` methods, answered from the runtime.
pub struct Delivery<C> {
	client: Arc<C>,
}

impl<C> Delivery<C> {
	/// Answer from `client`'s runtime.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> DeliveryRpcServer<BlockHash> for Delivery<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DeliveryApi<Block, AccountId, BlockNumber>,
{
	fn epoch(&self, at: Option<BlockHash>) -> RpcResult<EpochInfo<BlockNumber>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().epoch(at).map_err(api_error)
	}

	fn windows(&self, epoch: EpochIndex, at: Option<BlockHash>) -> RpcResult<EpochWindows<BlockNumber>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().windows(at, epoch).map_err(api_error)
	}

	fn edge(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<Option<EdgeView<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().edge(at, who).map_err(api_error)
	}

	fn edges(
		&self,
		region: Option<String>,
		limit: u32,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<EdgeView<AccountId, BlockNumber>>> {
		if limit == 0 || limit > MAX_EDGES_PER_QUERY {
			return Err(ErrorObjectOwned::owned(
				LIMIT_OUT_OF_RANGE,
				format!("limit must be between 1 and {MAX_EDGES_PER_QUERY}, not {limit}"),
				None::<()>,
			));
		}
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().edges(at, region.map(String::into_bytes), limit).map_err(api_error)
	}

	fn content(&self, content: ContentId, at: Option<BlockHash>) -> RpcResult<Option<ContentView<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().content(at, content).map_err(api_error)
	}

	fn claim(
		&self,
		edge: AccountId,
		epoch: EpochIndex,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ClaimView<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().claim(at, edge, epoch).map_err(api_error)
	}

	fn draw(&self, edge: AccountId, epoch: EpochIndex, at: Option<BlockHash>) -> RpcResult<Option<DrawView<BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().draw(at, edge, epoch).map_err(api_error)
	}
}
