//! Vidchain's own JSON-RPC methods over the `RewardsApi` runtime API: `rewards_pending`,
//! `rewards_epochReport`, `rewards_schedule`, `rewards_escrow` and `rewards_pool`. Each takes an optional block
//! hash (default: the best block). Amounts are JSON integers in base units (12 decimals); read
//! them as big integers, they exceed 2^53.

use std::sync::Arc;

use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::ErrorObjectOwned,
};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use vidchain_primitives::{
	delivery::{ContentId, EpochIndex},
	rewards::{EmissionSchedule, EpochReport, Escrow, PendingRewards, PoolView, RewardsApi},
	AccountId, BlockNumber, OpaqueBlock as Block,
};

/// The `rewards_*` methods.
#[rpc(client, server)]
pub trait RewardsRpc<BlockHash> {
	/// `who`'s rewards not yet paid out, per token, and the FUEL per epoch it can claim.
	#[method(name = "rewards_pending")]
	fn pending(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<PendingRewards>;

	/// `epoch`'s payout report (`null` if nothing happened in it, or once pruned).
	#[method(name = "rewards_epochReport")]
	fn epoch_report(&self, epoch: EpochIndex, at: Option<BlockHash>) -> RpcResult<Option<EpochReport<AccountId>>>;

	/// The emission schedule, the payment split and where emission stands.
	#[method(name = "rewards_schedule")]
	fn schedule(&self, at: Option<BlockHash>) -> RpcResult<EmissionSchedule>;

	/// `viewer`'s escrow (`null` if it has none).
	#[method(name = "rewards_escrow")]
	fn escrow(&self, viewer: AccountId, at: Option<BlockHash>) -> RpcResult<Option<Escrow<BlockNumber>>>;

	/// `sponsor`'s pool of `content` (`null` if there is none).
	#[method(name = "rewards_pool")]
	fn pool(
		&self,
		content: ContentId,
		sponsor: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<PoolView<AccountId, BlockNumber>>>;
}

/// The `rewards_*` methods, answered from the runtime.
pub struct Rewards<C> {
	client: Arc<C>,
}

impl<C> Rewards<C> {
	/// Answer from `client`'s runtime.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// A runtime API call that failed (for example, at a block whose runtime lacks the API).
pub(crate) fn api_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(9000, format!("runtime API call failed: {e}"), None::<()>)
}

#[async_trait]
impl<C> RewardsRpcServer<<Block as sp_runtime::traits::Block>::Hash> for Rewards<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RewardsApi<Block, AccountId, BlockNumber>,
{
	fn pending(&self, who: AccountId, at: Option<<Block as sp_runtime::traits::Block>::Hash>) -> RpcResult<PendingRewards> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().pending_rewards(at, who).map_err(api_error)
	}

	fn epoch_report(
		&self,
		epoch: EpochIndex,
		at: Option<<Block as sp_runtime::traits::Block>::Hash>,
	) -> RpcResult<Option<EpochReport<AccountId>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().epoch_report(at, epoch).map_err(api_error)
	}

	fn schedule(&self, at: Option<<Block as sp_runtime::traits::Block>::Hash>) -> RpcResult<EmissionSchedule> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().schedule(at).map_err(api_error)
	}

	fn escrow(
		&self,
		viewer: AccountId,
		at: Option<<Block as sp_runtime::traits::Block>::Hash>,
	) -> RpcResult<Option<Escrow<BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().escrow(at, viewer).map_err(api_error)
	}

	fn pool(
		&self,
		content: ContentId,
		sponsor: AccountId,
		at: Option<<Block as sp_runtime::traits::Block>::Hash>,
	) -> RpcResult<Option<PoolView<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().pool(at, content, sponsor).map_err(api_error)
	}
}
