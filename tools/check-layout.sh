#!/usr/bin/env bash
# The layout rules of docs/ARCHITECTURE.md and src/server/README.md, checked
# from the top of the checkout (needs Universal Ctags: apt-get install
# universal-ctags). Prints the longest functions and files, then fails when
#  * a folder of src/server/ includes a folder to its left in the order
#    base <- net <- core <- tcp <- config <- keys <- metrics (one way only);
#  * a function in src/ or tools/loadgen/args.cc is longer than MAX_FUNCTION
#    lines (default 80), or a file in src/ longer than MAX_FILE (default 400);
#  * docs/ARCHITECTURE.md names a path or a `Function()` that does not exist.
set -euo pipefail
cd "$(dirname "$0")/.."
# Exit 77 (meson's "skipped") without Universal Ctags: the lengths need its
# end: field, which Exuberant Ctags does not have.
if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  echo "layout: skipped: Universal Ctags is not installed (apt-get install universal-ctags)"
  exit 77
fi
max_function=${MAX_FUNCTION:-80}
max_file=${MAX_FILE:-400}
rc=0

# 1. One-way arrows between the server's subsystems.
order=(base net core tcp config keys metrics)
for i in "${!order[@]}"; do
  dir=${order[$i]}
  for later in "${order[@]:$((i + 1))}"; do
    if grep -rn "#include \"server/$later/" "src/server/$dir" >&2; then
      echo "layout: src/server/$dir must not include server/$later/" >&2
      rc=1
    fi
  done
done

# 2. Function and file lengths (ctags: length = end - line + 1).
lengths=$(ctags --fields=+ne --kinds-C++=f -o - -R src tools/loadgen/args.cc |
  awk -F'\t' '{ line = 0; end = 0
    for (i = 4; i <= NF; i++) {
      if ($i ~ /^line:/) line = substr($i, 6)
      if ($i ~ /^end:/) end = substr($i, 5)
    }
    if (end > 0) print end - line + 1, $2 ":" line, $1 }' | sort -rn)
echo "longest functions (lines, place, name):"
head -5 <<<"$lengths"
files=$(find src -name '*.cc' -o -name '*.h' | xargs wc -l | grep -v ' total$' |
  sort -rn)
echo "longest files:"
head -3 <<<"$files"
while read -r n where name; do
  if [ "$n" -gt "$max_function" ]; then
    echo "layout: $where $name is $n lines (over $max_function)" >&2
    rc=1
  fi
done <<<"$lengths"
while read -r n path; do
  if [ "$n" -gt "$max_file" ]; then
    echo "layout: $path is $n lines (over $max_file)" >&2
    rc=1
  fi
done <<<"$files"

# 3. Every path and `Function()` docs/ARCHITECTURE.md names exists. A path
# is taken from the top of the checkout, or else from src/server/ (the
# subsystem folders); URL paths (/metrics) are not files.
doc=docs/ARCHITECTURE.md
for path in $(grep -o '`[A-Za-z0-9_.-]*/[A-Za-z0-9_./-]*`' "$doc" | tr -d '`' |
              sort -u); do
  if [ ! -e "$path" ] && [ ! -e "src/server/$path" ]; then
    echo "layout: $doc names $path, which does not exist" >&2
    rc=1
  fi
done
names=$(ctags --extras=+q --kinds-C++=fp -o - -R src include tools |
  cut -f1 | sort -u)
for fn in $(grep -o '`[A-Za-z_:]*()`' "$doc" | tr -d '`()' | sort -u); do
  if ! grep -qE -- "(^|::)$fn\$" <<<"$names"; then
    echo "layout: $doc names $fn(), which no source file defines" >&2
    rc=1
  fi
done
[ "$rc" = 0 ] && echo "layout: ok"
exit "$rc"
