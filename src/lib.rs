pub mod raft;
pub mod sim;
