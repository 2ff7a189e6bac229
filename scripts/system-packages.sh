#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the portal needs, when they are missing.
#   runtime: gettext (translations), Noto fonts covering Arabic and Chinese, HarfBuzz subsetting and Pango
#            for WeasyPrint PDFs
#   test:    Debian's chromium (Playwright drives it), docker-compose (checks the compose file),
#            poppler-utils (pdftotext, pdffonts, pdfinfo, to read generated PDFs in tests), fontconfig
#            (fc-list, to find the installed font behind each font a PDF embeds)
#   bench:   the PostgreSQL server programs (initdb, pg_ctl): bench/load.py runs a throwaway cluster of its
#            own (./scripts/system-packages.sh --bench)
# With root it uses apt-get; otherwise it names the missing packages and stops.
set -euo pipefail

runtime=(gettext fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
test_only=(chromium docker-compose poppler-utils fontconfig)
bench_only=(postgresql)

wanted=("${runtime[@]}")
if [ "${1:-}" = "--test" ]; then
  wanted+=("${test_only[@]}")
fi
if [ "${1:-}" = "--bench" ]; then
  wanted+=("${bench_only[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}"
