#!/usr/bin/env bash
# Issue #14 item 6: BF16 GGUF, Q8_0 GGUF, ModelOpt FP8 and ModelOpt NVFP4 (and NVFP4 as GGUF) of the benchmark
# presets side by side: our decode and prefill (`nemotron4j bench`) and llama.cpp's `llama-bench` on the GGUF files,
# with peak RSS and the GB/s of weights read per second of decode. Run it on a quiet machine (it warns otherwise).
#
# usage: bench/modelopt-bench.sh [options] PRESET...        e.g. bench/modelopt-bench.sh bench-s bench-l
#   PRESET      bench-s, bench-l, ...: files are found under DATA by name:
#                 DATA/PRESET-bf16.gguf, DATA/PRESET-Q8_0.gguf      (required: made as in DATA/README.txt)
#                 DATA/modelopt/PRESET-fp8, DATA/modelopt/PRESET-nvfp4  (made with `quantize` when missing, from
#                   DATA/PRESET-bf16/, a Hugging Face directory; when that is missing too it is made with `synth` from
#                   bench/presets/PRESET/config.json or /work/shared/peers/PRESET/config.json and deleted afterwards)
#                 DATA/modelopt/PRESET-nvfp4.gguf  (made with `convert --type nvfp4` when missing)
#               A preset without its Q8_0 GGUF is an error; without its BF16 GGUF it runs without that row.
#   -d DATA     benchmark files (default /work/benchdata)
#   -o OUTDIR   results: run.log, results.csv, table.md, the JSON of every run (default DATA/results-modelopt-<date>)
#   -p PP, -n TG, -r REPS, -t THREADS   prompt length, decode steps, repetitions, threads (default 512, 128, 5, 2)
#   -e ENGINES  ours,llama (default), or one of them
#   -c FILE     calibration prompts for quantize (JSONL; default: token lines written to OUTDIR, the presets have no
#               tokenizer)
#   -k          keep a BF16 directory this script synthesized
#   -m          make the missing checkpoints only (no runs)
#   -D          dry run: check the arguments and inputs, print the plan, run nothing
#   -h          this help
# env: LLAMA_BIN (default /work/peers/llama.cpp/build/bin: llama-bench; never built by this script),
#      NEMOTRON4J_HOME (default: this script's checkout)
#
# Table columns: preset, format, engine, file GB, weights read per decoded token (MB, ours: the active weights),
# pp/tg tokens/s (median of REPS), tg GB/s = tg · weight bytes per token (llama.cpp's from ours on the same file),
# % of the read bandwidth ours measured, peak RSS GB (ours: its own VmHWM before the bandwidth buffer; llama.cpp:
# /usr/bin/time), and the RSS budget of issue #14 (1.1 · files + 150 MB).
set -uo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "modelopt-bench: $*" >&2; exit 2; }

DATA=/work/benchdata OUT="" PP=512 TG=128 REPS=5 THREADS=2 ENGINES=ours,llama CAL="" KEEP=0 MAKE_ONLY=0 DRY=0
while getopts "d:o:p:n:r:t:e:c:kmDh" opt; do
  case $opt in
    d) DATA=$OPTARG ;; o) OUT=$OPTARG ;; p) PP=$OPTARG ;; n) TG=$OPTARG ;; r) REPS=$OPTARG ;; t) THREADS=$OPTARG ;;
    e) ENGINES=$OPTARG ;; c) CAL=$OPTARG ;; k) KEEP=1 ;; m) MAKE_ONLY=1 ;; D) DRY=1 ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || { usage >&2; die "name at least one preset (e.g. bench-s)"; }
for v in p:PP n:TG r:REPS t:THREADS; do val=${v#*:}; [[ ${!val} =~ ^[0-9]+$ ]] || die "-${v%%:*} must be a whole number, not '${!val}'"; done
(( REPS > 0 && THREADS > 0 )) || die "-r and -t must be at least 1"
IFS=, read -ra ORDER <<< "$ENGINES"
for e in "${ORDER[@]}"; do [[ $e == ours || $e == llama ]] || die "-e: unknown engine '$e' (ours, llama)"; done
[[ -d $DATA ]] || die "no data directory $DATA (-d)"
[[ -z $CAL || -f $CAL ]] || die "no calibration file $CAL (-c)"

HERE=$(cd "$(dirname "$0")/.." && pwd)
NEMOTRON4J_HOME=${NEMOTRON4J_HOME:-$HERE}
LLAMA_BIN=${LLAMA_BIN:-/work/peers/llama.cpp/build/bin}
N="$NEMOTRON4J_HOME/nemotron4j"
[[ -x $N ]] || die "no launcher $N (NEMOTRON4J_HOME)"
if [[ ,$ENGINES, == *,llama,* && $MAKE_ONLY == 0 ]]; then
  [[ -x $LLAMA_BIN/llama-bench ]] || die "no $LLAMA_BIN/llama-bench (LLAMA_BIN; or -e ours)"
fi
for tool in jq awk /usr/bin/time; do command -v "$tool" > /dev/null || die "needs $tool"; done

# ---- the plan: what exists, what will be made ----
PRESETS=()
for P in "$@"; do
  [[ $P =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad preset name '$P'"
  [[ -f $DATA/$P-bf16.gguf ]] || echo "$P: no $DATA/$P-bf16.gguf, its BF16 row is left out"
  [[ -f $DATA/$P-Q8_0.gguf ]] || die "$P: no $DATA/$P-Q8_0.gguf (llama-quantize $P-bf16.gguf $P-Q8_0.gguf Q8_0, see $DATA/README.txt)"
  need_src=0
  for f in fp8 nvfp4; do [[ -f $DATA/modelopt/$P-$f/config.json ]] || need_src=1; done
  if (( need_src )) && [[ ! -f $DATA/$P-bf16/config.json ]]; then
    cfg=""
    for c in "$HERE/bench/presets/$P/config.json" "/work/shared/peers/$P/config.json"; do [[ -f $c ]] && { cfg=$c; break; }; done
    [[ -n $cfg ]] || die "$P: no $DATA/$P-bf16/ to quantize and no preset config to synthesize it from"
  fi
  PRESETS+=("$P")
done
(( ${#PRESETS[@]} > 0 )) || die "none of the presets has its files in $DATA"

echo "modelopt-bench: presets ${PRESETS[*]}; data $DATA; pp $PP tg $TG reps $REPS threads $THREADS; engines $ENGINES"
for P in "${PRESETS[@]}"; do
  for f in fp8 nvfp4; do
    d=$DATA/modelopt/$P-$f
    [[ -f $d/config.json ]] && echo "  $P $f: $d" || echo "  $P $f: to make: quantize --model $DATA/$P-bf16 --out $d --format $f"
  done
  g=$DATA/modelopt/$P-nvfp4.gguf
  [[ -f $g ]] && echo "  $P nvfp4 gguf: $g" || echo "  $P nvfp4 gguf: to make: convert --model $DATA/modelopt/$P-nvfp4 --out $g --type nvfp4"
done
(( DRY )) && { echo "dry run: nothing made or run"; exit 0; }

OUT=${OUT:-$DATA/results-modelopt-$(date +%m%d-%H%M)}
mkdir -p "$OUT" || die "cannot create $OUT"
LOG=$OUT/run.log CSV=$OUT/results.csv
log() { echo "$*" | tee -a "$LOG"; }
log "=== $(date -Is) modelopt-bench ${PRESETS[*]} (nemotron4j $(git -C "$NEMOTRON4J_HOME" rev-parse --short HEAD 2>/dev/null || echo '?'))"
log "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- make what is missing ----
if [[ -z $CAL ]]; then # random token ids: the presets' weights are random too, and they have no tokenizer
  CAL=$OUT/calibration.jsonl
  awk 'BEGIN { srand(14); for (l = 0; l < 4; l++) { printf "{\"tokens\": ["; for (i = 0; i < 32; i++) printf "%s%d", (i ? ", " : ""), 32 + int(rand() * 100000); print "]}" } }' > "$CAL"
fi
for P in "${PRESETS[@]}"; do
  made_src=0
  for f in fp8 nvfp4; do
    d=$DATA/modelopt/$P-$f
    [[ -f $d/config.json ]] && continue
    if [[ ! -f $DATA/$P-bf16/config.json ]]; then
      cfg=$HERE/bench/presets/$P/config.json; [[ -f $cfg ]] || cfg=/work/shared/peers/$P/config.json
      log "synth $P-bf16 from $cfg"
      "$N" synth --config "$cfg" --out "$DATA/$P-bf16" --dtype bf16 >> "$LOG" 2>&1 || die "synth $P failed (see $LOG)"
      made_src=1
    fi
    log "quantize $P $f"
    rm -rf "$d"; mkdir -p "$DATA/modelopt"
    /usr/bin/time -v -o "$OUT/quantize-$P-$f.time" "$N" quantize --model "$DATA/$P-bf16" --out "$d" --format "$f" --calibration "$CAL" \
      2> >(tr '\r' '\n' | tail -3 >> "$LOG") || die "quantize $P $f failed (see $LOG)"
    log "  peak RSS $(awk -F': ' '/Maximum resident/ { printf "%.2f GB", $2 * 1024 / 1e9 }' "$OUT/quantize-$P-$f.time")"
  done
  if (( made_src && ! KEEP )); then rm -rf "${DATA:?}/$P-bf16"; log "removed $DATA/$P-bf16 (made here; -k keeps it)"; fi
  g=$DATA/modelopt/$P-nvfp4.gguf
  if [[ ! -f $g ]]; then
    log "convert $P nvfp4 -> $g"
    "$N" convert --model "$DATA/modelopt/$P-nvfp4" --out "$g" --type nvfp4 >> "$LOG" 2>&1 || die "convert $P nvfp4 failed (see $LOG)"
  fi
done
(( MAKE_ONLY )) && { log "made; -m: no runs"; exit 0; }

# ---- runs ----
[[ -s $CSV ]] || echo "preset,format,engine,path,file_bytes,weight_bytes_per_token,pp_tps,tg_tps,tg_gbps,bandwidth_pct,peak_rss_bytes,rss_budget_bytes,load1,status" > "$CSV"
median() { jq -s 'sort | if length == 0 then null elif length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end'; }
size_of() { du -sb "$1" | cut -f1; } # a directory's files or a file

for P in "${PRESETS[@]}"; do
  declare -A WBT=() BW=()
  for spec in "BF16 GGUF|$DATA/$P-bf16.gguf" "Q8_0 GGUF|$DATA/$P-Q8_0.gguf" "FP8 ModelOpt|$DATA/modelopt/$P-fp8" \
              "NVFP4 ModelOpt|$DATA/modelopt/$P-nvfp4" "NVFP4 GGUF|$DATA/modelopt/$P-nvfp4.gguf"; do
    fmt=${spec%%|*} path=${spec#*|}
    [[ -e $path ]] || { log "skip $P $fmt: no $path"; continue; }
    bytes=$(size_of "$path") budget=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", 1.1 * b + 150e6 }')
    for engine in "${ORDER[@]}"; do
      [[ $engine == llama && $path != *.gguf ]] && continue
      read -r l1 _ < /proc/loadavg
      awk -v l="$l1" 'BEGIN { exit !(l >= 1.0) }' && log "WARNING: load average $l1: the machine is not quiet"
      tag=$(echo "$P-$fmt-$engine" | tr ' A-Z' '_a-z') tmp=$OUT/$tag
      log "--- $(date -Is) $P $fmt $engine: $path ($bytes bytes)"
      pp="" tg="" rss="" wbt="" pct="" status=ok
      if [[ $engine == ours ]]; then
        /usr/bin/time -v -o "$tmp.time" "$N" bench --model "$path" --pp "$PP" --tg "$TG" --reps "$REPS" --threads "$THREADS" --json \
          > "$tmp.out" 2>> "$LOG"
        rc=$?
        grep '^{' "$tmp.out" | tail -1 > "$tmp.json"; rm -f "$tmp.out"
        if [[ $rc -eq 0 && -s $tmp.json ]] && jq -e . "$tmp.json" > /dev/null 2>&1; then
          pp=$(jq -r .pp_tokens_per_s "$tmp.json") tg=$(jq -r .tg_tokens_per_s "$tmp.json") rss=$(jq -r .peak_rss_bytes "$tmp.json")
          wbt=$(jq -r .weight_bytes_per_token "$tmp.json"); WBT[$path]=$wbt; BW[$path]=$(jq -r .read_bandwidth_bytes_per_s "$tmp.json")
          log "ours: $(cat "$tmp.json")"
        else
          status="fail(rc=$rc)"
        fi
      else
        /usr/bin/time -v -o "$tmp.time" "$LLAMA_BIN/llama-bench" -m "$path" -t "$THREADS" -p "$PP" -n "$TG" -r "$REPS" -o json \
          > "$tmp.json" 2>> "$LOG"
        rc=$?
        if [[ $rc -eq 0 ]] && jq -e 'length > 0' "$tmp.json" > /dev/null 2>&1; then
          pp=$(jq '.[] | select(.n_prompt > 0 and .n_gen == 0) | .samples_ts[]' "$tmp.json" | median)
          tg=$(jq '.[] | select(.n_gen > 0 and .n_prompt == 0) | .samples_ts[]' "$tmp.json" | median)
          rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 * 1024 }' "$tmp.time")
          wbt=${WBT[$path]:-}
        else
          status="fail(rc=$rc)"
        fi
      fi
      gbps=$(awk -v t="$tg" -v w="$wbt" 'BEGIN { if (t != "" && w != "" && t != "null") printf "%.2f", t * w / 1e9 }')
      [[ -n $gbps && -n ${BW[$path]:-} ]] && pct=$(awk -v g="$gbps" -v b="${BW[$path]}" 'BEGIN { printf "%.0f", 100 * g * 1e9 / b }')
      echo "$P,$fmt,$engine,$path,$bytes,$wbt,$pp,$tg,$gbps,$pct,$rss,$budget,$l1,$status" >> "$CSV"
      log "$P $fmt $engine: pp ${pp:-—} t/s, tg ${tg:-—} t/s, ${gbps:-—} GB/s of weights (${pct:-—}% of the read bandwidth), peak RSS ${rss:-—} B (budget $budget), $status"
      rm -f "$tmp.time"
    done
  done
  unset WBT BW
done

# ---- the table ----
{
  echo "| preset | format | engine | file GB | MB read / token | pp$PP t/s | tg$TG t/s | tg GB/s | % of bandwidth | peak RSS GB | RSS budget GB | status |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$CSV" | awk -F, '{
    printf "| %s | %s | %s | %.2f | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $5 / 1e9,
      ($6 == "" ? "—" : sprintf("%.0f", $6 / 1e6)), ($7 == "" ? "—" : sprintf("%.1f", $7)), ($8 == "" ? "—" : sprintf("%.2f", $8)),
      ($9 == "" ? "—" : $9), ($10 == "" ? "—" : $10 "%"), ($11 == "" ? "—" : sprintf("%.2f", $11 / 1e9)), sprintf("%.2f", $12 / 1e9),
      ($11 != "" && $11 + 0 > $12 + 0 ? $14 ", RSS over budget" : $14) }'
} > "$OUT/table.md"
cat "$OUT/table.md" | tee -a "$LOG"
log "=== $(date -Is) done: $OUT/table.md, $CSV"
