#!/usr/bin/env bash
# Regenerates pricing/api.yaml: the hand-kept entries (pricing/api-kept.yaml)
# first, then every text model of the vendors below from genai-prices' data.json.
#
#   bash pricing/update-api.sh [DATA_JSON]      (default: the 2026-08-21 snapshot in tests/data)
#
# Batch discounts are not in genai-prices; the ones given here are the vendors'
# published batch terms: Anthropic Message Batches API, OpenAI Batch API, Google
# Gemini batch mode and Mistral's batch API all take 50 % off input and output.
# Other vendors get 0 (no batch API, or none we can vouch for).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-tests/data/genai-prices-2026-08-21/data.json}"
cargo run --quiet -p tco-cli -- prices import "$data" \
  --provider anthropic,openai,google,x-ai,mistral,deepseek,together,fireworks,groq \
  --batch anthropic=0.5 --batch openai=0.5 --batch google=0.5 --batch mistral=0.5 \
  --keep pricing/api-kept.yaml -o pricing/api.yaml --force
