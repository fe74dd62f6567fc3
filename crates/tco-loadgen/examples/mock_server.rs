//! Runs the loopback mock server until killed, printing its URL:
//! `cargo run -p tco-loadgen --example mock_server -- [llama|vllm|ollama] [TOKEN_MS] [SLOTS]`.

use std::time::Duration;

use tco_loadgen::mock::{Flavor, MockOptions, MockServer};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flavor = match args.first().map(String::as_str) {
        Some("vllm") => Flavor::Vllm,
        Some("ollama") => Flavor::Ollama,
        _ => Flavor::LlamaServer,
    };
    let token_ms: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let slots: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let server = match MockServer::start(MockOptions {
        flavor,
        ttft: Duration::from_millis(30),
        token_delay: Duration::from_millis(token_ms),
        slots,
        ..MockOptions::default()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", server.url());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
