#!/usr/bin/env bash
# The likelihood reference runs of README "Likelihood models": NICE, Real-NVP, a VAE and a
# top-down hierarchical VAE trained on MNIST-5k's 4,000 training digits and evaluated on its
# 500 test digits (IWAE k = 1, 10, 150 for the VAEs). Resumable: run it again after an
# interruption. Usage: Experiments/Likelihood/mnist5k_reference.sh <mixedbatch binary> <output folder>
set -euo pipefail
BIN=${1:?the mixedbatch binary}
OUT=${2:-results/likelihood}
DATA="--data data/mnist5k-train.h5 --test-data data/mnist5k-test.h5"
mkdir -p "$OUT"
[ -f data/mnist5k-train.h5 ] || "$BIN" data mnist5k

run() {  # name, flags…
  local name=$1; shift
  "$BIN" train-density $DATA --output "$OUT/$name" --resume --quiet "$@" > "$OUT/$name.json"
  echo "$name: $(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("test", r["test"]["bpd"], "train", r["train"]["bpd"], "bpd,", r["seconds_per_iteration"], "s/iteration")' "$OUT/$name.json")"
}
run nice --model nice --batch-size 100 --iterations 2000 --set checkpoint_every=250
run realnvp --model realnvp --iterations 1500 --set features=16 --set residual_blocks=1 --set checkpoint_every=250
"$BIN" density-2d --output "$OUT" > "$OUT/mixture_flows.txt" 2>&1 || true  # refuses to overwrite an earlier table
run vae --model vae --iterations 5000 --set hidden_layers=2 --set hidden_units=512 --set latent_size=32
run hvae --model hvae --iterations 1500 --set features=32 --set groups=2 --set optimizer=adamax \
  --learning-rate 0.002 --set kl_warmup_steps=500 --set checkpoint_every=250
# The VAEs' IWAE bounds for k = 1 and 10 (k = 150 is in their result.json).
for model in vae hvae; do
  for k in 1 10; do
    "$BIN" evaluate-density --run "$OUT/$model" --importance-samples $k > "$OUT/$model-iwae$k.json"
    echo "$model IWAE-$k: $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["bpd"], "bpd")' "$OUT/$model-iwae$k.json")"
  done
done
