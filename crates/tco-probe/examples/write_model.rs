//! Writes a synthetic model: `cargo run -p tco-probe --example write_model -- tiny q8_0 out.gguf`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [shape, quant, out] = args.as_slice() else {
        eprintln!("usage: write_model SHAPE QUANT OUT.gguf   (shapes: tiny, 125m, 1b, 3b, 8b; quants: f16, q8_0, q4_k)");
        std::process::exit(2);
    };
    let Some(shape) = tco_probe::synth::Shape::named(shape) else {
        eprintln!("unknown shape {shape}");
        std::process::exit(2);
    };
    let quant: tco_probe::synth::Quant = match quant.parse() {
        Ok(q) => q,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match tco_probe::synth::write_model(&shape, quant, std::path::Path::new(out), 1) {
        Ok(n) => println!("wrote {out}: {n} bytes, {} parameters", shape.params()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
