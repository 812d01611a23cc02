//! The node's JSON-RPC extensions beyond the standard `chain_*`, `state_*`, `author_*` and
//! `system_*` methods: `system_accountNextIndex`, `payment_queryInfo` /
//! `payment_queryFeeDetails`, and Vidchain's `delivery_*` ([`crate::delivery_rpc`]), `rewards_*` ([`crate::rewards_rpc`]) and `licenses_*`
//! ([`crate::licenses_rpc`]).

#![warn(missing_docs)]

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use vidchain_primitives::{AccountId, Balance, Nonce, OpaqueBlock as Block};

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// All of the node's RPC extensions in one module.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: vidchain_primitives::delivery::DeliveryApi<Block, AccountId, vidchain_primitives::BlockNumber>,
	C::Api: vidchain_primitives::rewards::RewardsApi<Block, AccountId, vidchain_primitives::BlockNumber>,
	C::Api: vidchain_primitives::licenses::LicensesApi<Block, AccountId, vidchain_primitives::BlockNumber>,
	P: TransactionPool + 'static,
{
	use crate::delivery_rpc::{Delivery, DeliveryRpcServer};
	use crate::licenses_rpc::{Licenses, LicensesRpcServer};
	use crate::rewards_rpc::{Rewards, RewardsRpcServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Delivery::new(client.clone()).into_rpc())?;
	module.merge(Rewards::new(client.clone()).into_rpc())?;
	module.merge(Licenses::new(client).into_rpc())?;

	Ok(module)
}
