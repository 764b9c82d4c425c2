#!/usr/bin/env bash
# render-report.sh: look at the HTML report in a real browser.
#
# Builds the tool, runs the README's first command (precheck against the
# built-in sandbox API on samples/subscribers.csv) with --report, then runs a
# generated file of a few thousand rows that share one problem, and renders
# both reports with headless Chromium at a desktop width (1280) and a phone
# width (390), and the README's workbook walk-through (samples/sales.xlsx).
# Prints the paths of the pages and the PNGs; open them.
#
#   scripts/render-report.sh [OUTDIR]     # default: a new temporary folder
#   DOCS=1 scripts/render-report.sh       # also refresh the README's screenshots in docs/
#                                         # (the workbook's with LibreOffice and pdftoppm)
#
# Env: CHROMIUM (default chromium), ROWS (default 3000), HEIGHT (default 1600).
# A screenshot is the window: HEIGHT crops it.
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/render-report.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
chromium=${CHROMIUM:-chromium}
rows=${ROWS:-3000}
height=${HEIGHT:-1600}
work=$(mktemp -d "${TMPDIR:-/tmp}/render-report-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

go build -o "$work/wholesale-batch" .

# A run exits 1 when some rows do not pass: that is the point here. It runs
# in $work, so the page names its files as a person would ("same.csv").
cp samples/subscribers.csv "$work/"
run() {
	local code=0
	(cd "$work" && ./wholesale-batch "$@" --no-progress --quiet) || code=$?
	if [ "$code" -gt 1 ]; then
		echo "render-report: wholesale-batch $* exited $code" >&2
		exit "$code"
	fi
}

# 1. The sample: every kind of outcome.
run precheck --sandbox --input subscribers.csv --output results.csv --report "$out/sample.html" --overwrite

# 2. The same mistake on every row (a domain without its ".com"), plus a
#    few other problems, the way a sales export goes wrong.
{
	echo "email,customerId,package,firstName,lastName,primaryPhoneNumber,extension"
	for ((i = 1; i <= rows; i++)); do
		printf 'user%05d@acme,Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU,webex_meetings,User,N%05d,,\n' "$i" "$i"
		if ((i % 1000 == 0)); then
			printf 'extra%05d@acme.example,Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU,webex_calling,Extra,N%05d,2.40555E+10,\n' "$i" "$i"
		fi
	done
} >"$work/same.csv"
run validate --input same.csv --output same-results.csv --report "$out/same-problem.html" --overwrite

# 3. The README's workbook walk-through, as it says: samples/sales.xlsx
#    validated into checked.xlsx and checked.html.
mkdir -p "$work/samples"
cp samples/sales.xlsx "$work/samples/"
run validate --input samples/sales.xlsx --output checked.xlsx --report checked.html --overwrite
cp "$work/checked.html" "$out/sales.html"
cp "$work/checked.xlsx" "$out/sales.xlsx"

shot() { # shot PAGE WIDTH PNG
	local profile
	profile=$(mktemp -d "$work/chromium.XXXXXX")
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$profile" --screenshot="$3" \
		--window-size="$2,$height" "file://$1" >/dev/null 2>&1
	[ -s "$3" ] || { echo "render-report: no screenshot for $1" >&2; exit 1; }
}

# book XLSX PNG: the workbook's first sheet as LibreOffice prints it on one
# page (SinglePageSheets: no page breaks), its left part: the outcome, the
# message and the person's columns, as a screen shows them on opening.
book() {
	soffice --headless --convert-to 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}' \
		--outdir "$work" "$1" >/dev/null 2>&1
	local pdf=$work/$(basename "${1%.xlsx}").pdf
	[ -s "$pdf" ] || { echo "render-report: LibreOffice did not print $1" >&2; exit 1; }
	pdftoppm -png -r 90 -f 1 -l 1 -x 0 -y 0 -W 1600 -H 600 -singlefile "$pdf" "${2%.png}"
}

for page in sample same-problem sales; do
	shot "$out/$page.html" 1280 "$out/$page-desktop.png"
	shot "$out/$page.html" 390 "$out/$page-phone.png"
done

# The README's pictures: the page of many rows with one problem on a
# desktop, the sample's on a phone; cut short to stay small.
if [ "${DOCS:-}" = 1 ]; then
	mkdir -p docs
	height=1000 shot "$out/same-problem.html" 1280 docs/report-desktop.png
	height=1500 shot "$out/sample.html" 390 docs/report-phone.png
	height=1060 shot "$out/sales.html" 1280 docs/sales-report.png
	if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
		book "$out/sales.xlsx" docs/sales-workbook.png
	else
		echo "render-report: docs/sales-workbook.png needs LibreOffice and poppler (apt-get install libreoffice-calc-nogui poppler-utils)" >&2
	fi
	ls -l docs/report-*.png docs/sales-*.png | awk '{print $5, $NF}'
fi

ls -l "$out"/*.html "$out"/*.png | awk '{print $5, $NF}'
