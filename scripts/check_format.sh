#!/usr/bin/env bash
# Checks that C++/CUDA files are clang-format clean (the checked-in .clang-format). CI runs it on
# every file changed since the commit in scripts/format_base.txt (the tree before formatting was
# enforced: files nobody has touched since are not reformatted wholesale, and each file becomes
# checked the first time it changes). Prints one line per file that is not clean and exits 1.
#   scripts/check_format.sh           the changed files
#   scripts/check_format.sh --all     every tracked file (to see how far the tree is)
#   scripts/check_format.sh --fix     clang-format -i the changed files
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check_format: clang-format not found (scripts/setup.sh installs it)"; exit 2; }
mode=${1:-changed}
base=$(tr -d '[:space:]' <scripts/format_base.txt)
if [ "$mode" = --all ]; then
  files=$(git ls-files '*.h' '*.cpp' '*.cu' '*.cuh')
elif git cat-file -e "$base^{commit}" 2>/dev/null; then
  files=$(git diff --name-only --diff-filter=ACMR "$base" -- '*.h' '*.cpp' '*.cu' '*.cuh'; git ls-files --others --exclude-standard '*.h' '*.cpp' '*.cu' '*.cuh')
else
  echo "check_format: base commit $base is not in this clone (shallow?): checking every tracked file"
  files=$(git ls-files '*.h' '*.cpp' '*.cu' '*.cuh')
fi
if [ "$mode" = --fix ]; then
  [ -z "$files" ] || clang-format -i $files
  exit 0
fi
bad=0
for f in $files; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not clang-format clean: $f (fix: clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "check_format: $(echo "$files" | grep -c . || true) files checked, $bad not clean"
[ "$bad" = 0 ]
