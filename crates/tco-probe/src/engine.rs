//! The measurements themselves, on llama.cpp through llama-cpp-2. Runs only
//! inside the worker process: llama.cpp may abort, and then only the worker
//! dies.
//!
//! Prompt tokens are random ids (as llama-bench's are); generated tokens are
//! the greedy argmax of the logits, as a real generation loop would do.
//! The llama-bench-style pp/tg tests copy llama-bench's loops: one batch of
//! random tokens for pp, one random token per call for tg.

use std::num::NonZeroU32;
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::LlamaBackendDeviceType;

use crate::calibration::{Sample, TestKind};
use crate::protocol::{WorkerEvent, WorkerRequest};
use crate::synth::Rng;

/// Prompt tokens that cost about as much as one single-token decode call,
/// for progress accounting only.
const PROMPT_TOKENS_PER_UNIT: u64 = 32;

struct Run<'m, 'e> {
    ctx: LlamaContext<'m>,
    batch: LlamaBatch<'static>,
    n_vocab: i32,
    bos: LlamaToken,
    rng: Rng,
    emit: &'e mut dyn FnMut(WorkerEvent),
    done: u64,
    total: u64,
    last_progress: Instant,
    phase: String,
}

/// Runs the probe the request describes, emitting events.
pub fn run(req: &WorkerRequest, emit: &mut dyn FnMut(WorkerEvent)) -> Result<(), String> {
    let s = &req.settings;
    let mut backend = LlamaBackend::init().map_err(|e| format!("cannot start llama.cpp: {e}"))?;
    if !req.verbose {
        backend.void_logs();
    }
    let gpu_layers = u32::try_from(s.gpu_layers).unwrap_or(999);
    let mparams = LlamaModelParams::default().with_n_gpu_layers(gpu_layers);
    let model = LlamaModel::load_from_file(&backend, &req.model, &mparams).map_err(|e| {
        format!("cannot load the model: {e} (run with --verbose to see llama.cpp's log)")
    })?;

    let max_c = s.concurrency.iter().copied().max().unwrap_or(1).max(1);
    let n_batch = s.batch.max(s.prompt_tokens).max(s.pp_tokens).max(max_c);
    let cparams = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(s.ctx))
        .with_n_batch(n_batch)
        .with_n_ubatch(n_batch.min(512))
        .with_n_seq_max(max_c)
        .with_kv_unified(true)
        .with_n_threads(s.threads as i32)
        .with_n_threads_batch(s.threads as i32);
    let ctx = model
        .new_context(&backend, cparams)
        .map_err(|e| format!("cannot make a context of {} tokens: {e}", s.ctx))?;

    let devices = llama_cpp_2::list_llama_ggml_backend_devices();
    let gpu = devices
        .iter()
        .find(|d| {
            matches!(
                d.device_type,
                LlamaBackendDeviceType::Gpu | LlamaBackendDeviceType::IntegratedGpu
            )
        })
        .filter(|_| s.gpu_layers != 0);
    emit(WorkerEvent::Loaded {
        backend: gpu.map_or_else(|| "CPU".to_string(), |d| d.backend.clone()),
        gpu: gpu.map(|d| d.description.clone()),
        n_params: model.n_params(),
        model_bytes: model.size(),
        n_ctx: ctx.n_ctx(),
    });

    let n_vocab = model.n_vocab();
    if n_vocab < 8 {
        return Err(format!(
            "the model's vocabulary has {n_vocab} tokens; too few to probe"
        ));
    }
    let bos = model.vocab().bos();
    let reps = u64::from(s.reps);
    let prompt_units = u64::from(s.prompt_tokens).div_ceil(PROMPT_TOKENS_PER_UNIT);
    let single = prompt_units + u64::from(s.gen_tokens);
    let batched: u64 = s
        .concurrency
        .iter()
        .filter(|c| **c > 1)
        .map(|c| u64::from(*c) * prompt_units + u64::from(s.gen_tokens))
        .sum();
    let pp = u64::from(s.pp_tokens).div_ceil(PROMPT_TOKENS_PER_UNIT);
    let tg = u64::from(s.tg_tokens);
    let total = u64::from(s.warmup) * single + reps * (single + batched + pp + tg);

    let mut run = Run {
        ctx,
        batch: LlamaBatch::new(n_batch.max(max_c) as usize, 1),
        n_vocab,
        bos,
        rng: Rng::new(req.seed),
        emit,
        done: 0,
        total,
        last_progress: Instant::now(),
        phase: String::new(),
    };

    for _ in 0..s.warmup {
        run.set_phase("warm-up");
        run.single(s.prompt_tokens, s.gen_tokens)?;
    }
    // llama-bench warms each test up first.
    if s.pp_tokens > 0 {
        run.pp(s.pp_tokens.min(n_batch))?;
    }
    if s.tg_tokens > 0 {
        run.tg(1)?;
    }
    // One round of every test per repetition, rather than all repetitions of
    // one test and then the next: when the machine's load drifts (a build in
    // the background, a laptop that throttles), every test sees the same
    // drift, and the spread of the samples shows it.
    for rep in 0..s.reps {
        let of = format!("rep {}/{}", rep + 1, s.reps);
        run.set_phase(&format!("prefill and decode, {of}"));
        let (prefill, ttft, decode) = run.single(s.prompt_tokens, s.gen_tokens)?;
        let p = u64::from(s.prompt_tokens);
        run.sample(TestKind::Prefill, 1, rep, p, prefill);
        run.sample(TestKind::Ttft, 1, rep, p, ttft);
        run.sample(TestKind::Decode, 1, rep, u64::from(s.gen_tokens), decode);
        for &c in s.concurrency.iter().filter(|c| **c > 1) {
            run.set_phase(&format!("{c} parallel sequences, {of}"));
            let secs = run.parallel(c, s.prompt_tokens, s.gen_tokens)?;
            run.sample(
                TestKind::Decode,
                c,
                rep,
                u64::from(c) * u64::from(s.gen_tokens),
                secs,
            );
        }
        if s.pp_tokens > 0 {
            run.set_phase(&format!("pp{}, {of}", s.pp_tokens));
            let secs = run.pp(s.pp_tokens)?;
            run.sample(TestKind::Pp, 1, rep, u64::from(s.pp_tokens), secs);
        }
        if s.tg_tokens > 0 {
            run.set_phase(&format!("tg{}, {of}", s.tg_tokens));
            let secs = run.tg(s.tg_tokens)?;
            run.sample(TestKind::Tg, 1, rep, u64::from(s.tg_tokens), secs);
        }
    }
    run.done = run.total;
    run.progress(true);
    Ok(())
}

fn argmax(logits: &[f32]) -> LlamaToken {
    let mut best = 0usize;
    let mut best_v = f32::NEG_INFINITY;
    for (i, &v) in logits.iter().enumerate() {
        if v > best_v {
            best_v = v;
            best = i;
        }
    }
    LlamaToken(best as i32)
}

impl Run<'_, '_> {
    fn set_phase(&mut self, phase: &str) {
        self.phase = phase.to_string();
        self.progress(true);
    }

    fn advance(&mut self, units: u64) {
        self.done = (self.done + units).min(self.total);
        self.progress(false);
    }

    fn progress(&mut self, force: bool) {
        if force || self.last_progress.elapsed().as_millis() >= 100 {
            self.last_progress = Instant::now();
            (self.emit)(WorkerEvent::Progress {
                done: self.done,
                total: self.total,
                phase: self.phase.clone(),
            });
        }
    }

    fn sample(&mut self, test: TestKind, concurrency: u32, rep: u32, tokens: u64, seconds: f64) {
        (self.emit)(WorkerEvent::Sample {
            sample: Sample {
                test,
                concurrency,
                rep,
                tokens,
                seconds,
            },
        });
    }

    fn random_token(&mut self) -> LlamaToken {
        // Skip the three special ids at the start of SPM vocabularies.
        let span = (self.n_vocab - 3).max(1) as u64;
        LlamaToken(3 + (self.rng.next_u64() % span) as i32)
    }

    fn decode(&mut self) -> Result<(), String> {
        self.ctx
            .decode(&mut self.batch)
            .map_err(|e| format!("decoding failed: {e}"))
    }

    /// Adds a prompt for `seq` to the (cleared) batch; logits for its last token only.
    fn add_prompt(&mut self, seq: i32, n: u32) -> Result<(), String> {
        for i in 0..n {
            let t = if i == 0 {
                self.bos
            } else {
                self.random_token()
            };
            self.batch
                .add(t, i as i32, &[seq], i + 1 == n)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// One sequence: prompt, first token, `gen` decode calls.
    /// Returns (prefill s, time to first token s, decode s).
    fn single(&mut self, prompt: u32, gen: u32) -> Result<(f64, f64, f64), String> {
        self.ctx.clear_kv_cache();
        self.batch.clear();
        self.add_prompt(0, prompt)?;
        let t0 = Instant::now();
        self.decode()?;
        let mut tok = argmax(self.ctx.get_logits_ith(self.batch.n_tokens() - 1));
        let ttft = t0.elapsed().as_secs_f64();
        // Prefill is the evaluation; TTFT adds reading and sampling the logits.
        let prefill = ttft;
        self.advance(u64::from(prompt).div_ceil(PROMPT_TOKENS_PER_UNIT));
        let t1 = Instant::now();
        for step in 0..gen {
            self.batch.clear();
            self.batch
                .add(tok, (prompt + step) as i32, &[0], true)
                .map_err(|e| e.to_string())?;
            self.decode()?;
            tok = argmax(self.ctx.get_logits_ith(0));
            self.advance(1);
        }
        Ok((prefill, ttft, t1.elapsed().as_secs_f64()))
    }

    /// `c` sequences decoded together, one token each per call; returns the
    /// decode time (the prompts are evaluated first, untimed).
    fn parallel(&mut self, c: u32, prompt: u32, gen: u32) -> Result<f64, String> {
        self.ctx.clear_kv_cache();
        let mut toks = Vec::with_capacity(c as usize);
        for seq in 0..c {
            self.batch.clear();
            self.add_prompt(seq as i32, prompt)?;
            self.decode()?;
            toks.push(argmax(self.ctx.get_logits_ith(self.batch.n_tokens() - 1)));
            self.advance(u64::from(prompt).div_ceil(PROMPT_TOKENS_PER_UNIT));
        }
        let t0 = Instant::now();
        for step in 0..gen {
            self.batch.clear();
            for (seq, tok) in toks.iter().enumerate() {
                self.batch
                    .add(*tok, (prompt + step) as i32, &[seq as i32], true)
                    .map_err(|e| e.to_string())?;
            }
            self.decode()?;
            for (seq, tok) in toks.iter_mut().enumerate() {
                *tok = argmax(self.ctx.get_logits_ith(seq as i32));
            }
            self.advance(1);
        }
        Ok(t0.elapsed().as_secs_f64())
    }

    /// llama-bench's pp test: one batch of random tokens.
    fn pp(&mut self, n: u32) -> Result<f64, String> {
        self.ctx.clear_kv_cache();
        self.batch.clear();
        self.add_prompt(0, n)?;
        let t0 = Instant::now();
        self.decode()?;
        self.ctx.synchronize();
        let secs = t0.elapsed().as_secs_f64();
        self.advance(u64::from(n).div_ceil(PROMPT_TOKENS_PER_UNIT));
        Ok(secs)
    }

    /// llama-bench's tg test: one random token per call.
    fn tg(&mut self, n: u32) -> Result<f64, String> {
        self.ctx.clear_kv_cache();
        let mut tok = self.bos;
        let t0 = Instant::now();
        for i in 0..n {
            self.batch.clear();
            self.batch
                .add(tok, i as i32, &[0], true)
                .map_err(|e| e.to_string())?;
            self.decode()?;
            self.ctx.synchronize();
            tok = self.random_token();
            self.advance(1);
        }
        Ok(t0.elapsed().as_secs_f64())
    }
}
