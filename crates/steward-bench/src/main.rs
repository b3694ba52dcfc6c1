//! `steward-bench`: Steward's benchmarks, kept out of the shipped `steward`
//! command. Each one measures the core against a raw rusqlite baseline in
//! the same run on the same machine and prints times and ratios; nothing
//! here is asserted (timings never are), but `tests/small.rs` runs each at a
//! small size so that they keep working. `make bench` runs them at full size.

mod crm;
mod invitations;
mod open;
mod retention;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "steward-bench",
    version,
    about = "Measure Steward against a raw SQLite baseline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Vault open + unlock, and SQLCipher read/write cost, against plain SQLite.
    Open {
        /// Rows for the read/write comparison.
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
    },
    /// Search, profile reads and purchases on a generated shop, against raw
    /// SQL on the same file.
    Crm {
        #[arg(long, default_value_t = 100_000)]
        customers: usize,
        /// Purchases per customer, on average.
        #[arg(long, default_value_t = 10)]
        purchases: usize,
        /// Queries and profile reads measured.
        #[arg(long, default_value_t = 1000)]
        rounds: usize,
    },
    /// A run of the retention schedule erasing the customers whose
    /// membership ended, against raw deletes of the same rows.
    Retention {
        #[arg(long, default_value_t = 100_000)]
        customers: usize,
        /// Customers whose membership has ended.
        #[arg(long, default_value_t = 10_000)]
        expired: usize,
    },
    /// Importing a shop's old list (CSV) as invitations: rows read and
    /// checked, and rows stored, against raw inserts of the same rows.
    Invitations {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
}

fn main() -> ExitCode {
    let res = match Cli::parse().command {
        Command::Open { rows } => open::open(rows),
        Command::Crm {
            customers,
            purchases,
            rounds,
        } => crm::crm(customers, purchases, rounds),
        Command::Retention { customers, expired } => retention::retention(customers, expired),
        Command::Invitations { rows } => invitations::invitations(rows),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("steward-bench: benchmark failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}
