#!/bin/bash
# One libFuzzer campaign per loader: run_campaign.sh <fuzzer> <output folder> <seconds> <loader>...
# Crashes do not end a campaign (-fork with -ignore_crashes); each is kept as
# <output>/<loader>/crashes/crash-<hash> with its stack in <output>/<loader>/log.txt.
# Loaders refuse sizes above MIXEDBATCH_MEMORY_LIMIT (1G here), under libFuzzer's 3 GB limit.
set -u
fuzzer=$1 output=$2 seconds=$3
shift 3
summary=$output/summary.md
mkdir -p "$output"
printf '| loader | executions | corpus | crashes | timeouts | out of memory |\n|---|---|---|---|---|---|\n' > "$summary"
for loader in "$@"; do
  folder=$output/$loader
  mkdir -p "$folder/corpus" "$folder/crashes"
  MIXEDBATCH_FUZZ_LOADER=$loader MIXEDBATCH_MEMORY_LIMIT=1G "$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 -max_total_time="$seconds" -rss_limit_mb=3072 -timeout=20 -artifact_prefix="$folder/crashes/" \
    "$folder/corpus" "Experiments/Fuzz/corpus/$loader" > "$folder/log.txt" 2>&1
  # libFuzzer's status lines start with #<executions so far>.
  executions=$(grep -oE '^#[0-9]+' "$folder/log.txt" | tail -1 | tr -d '#')
  corpus=$(ls "$folder/corpus" | wc -l)
  crashes=$(ls "$folder/crashes" | grep -c '^crash-')
  timeouts=$(ls "$folder/crashes" | grep -c '^timeout-')
  ooms=$(ls "$folder/crashes" | grep -c '^oom-')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$loader" "${executions:-0}" "$corpus" "$crashes" "$timeouts" "$ooms" | tee -a "$summary"
done
echo "summary: $summary"
