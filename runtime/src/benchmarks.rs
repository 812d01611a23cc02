//! The pallets `vidchain-node benchmark pallet` can measure in this runtime.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_timestamp, Timestamp]
	[pallet_grandpa, Grandpa]
	[pallet_sudo, Sudo]
	[pallet_nfts, Nfts]
	[pallet_assets, Assets]
	[pallet_delivery, Delivery]
	[pallet_rewards, Rewards]
	[pallet_validators, Validators]
	[pallet_licenses, Licenses]
);
