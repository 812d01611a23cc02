//! The end-to-end tests: one test binary (linked once, not five times), whose tests run at once
//! (`--test-threads`), each with its own nodes and edges on free 127.0.0.1 ports. They wait on
//! blocks (2-second slots on the development preset) far more than they compute, so running
//! them side by side costs little CPU and saves most of the wall time.

mod delivery;
mod delivery_loop;
mod edge_loop;
mod node;
mod sampling;
mod strangers;
