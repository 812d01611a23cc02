//! `vidchain-node`: the Vidchain validator and full node.
#![warn(missing_docs)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod delivery_rpc;
mod cli;
mod command;
mod licenses_rpc;
mod rewards_rpc;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
