"""stratum --report in a real browser: headless Chromium renders the reports of evaluate
(with --by), cv, compare and drift; each screenshot must show a page (many colours, a sane share
of non-white pixels, the curves' palette blue) and Chromium must log no page error
(console message, blocked resource, failed load). A page with an inline script and an
external image is rendered too, and must be caught, so the check can fail. Every table must
fit the page, without a horizontal scroll bar: on a 1280 px screen and, with the print
styles, on an A4 page (measured in a copy of the report with a script added).

Exit 77 (skipped) when Chromium is absent (see chromium_path) and the environment
variable CI is not set; in CI a missing Chromium fails.

usage: report_chromium.py STRATUM DATASETS WORKDIR"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_make  # noqa: E402

WIDTH, HEIGHT = 1200, 3000
BROKEN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>broken</title></head><body><h1>broken</h1><script>console.log("ran")</script>
<img src="http://example.invalid/x.png" alt=""></body></html>
"""


def chromium_path():
    """$STRATUM_CHROMIUM if set (a path that does not exist counts as no Chromium), else
    chromium on PATH or in /usr/bin."""
    forced = os.environ.get("STRATUM_CHROMIUM")
    if forced is not None:
        return forced if os.path.exists(forced) else None
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name) or (os.path.exists("/usr/bin/" + name) and "/usr/bin/" + name)
        if p:
            return p
    return None


def render(chromium, html, png, profile):
    """Screenshot and DOM of html; returns (DOM text, page errors from Chromium's log)."""
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile,
           "--enable-logging=stderr", "--v=0", "--dump-dom", "--screenshot=" + png,
           "--window-size=%d,%d" % (WIDTH, HEIGHT), "file://" + os.path.abspath(html)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("chromium failed (%d) on %s: %s" % (p.returncode, html, p.stderr[-2000:]))
    errors = [line for line in p.stderr.splitlines()
              if ":CONSOLE" in line or "net::ERR" in line or "Content Security Policy" in line
              or "Uncaught" in line]
    return p.stdout, errors


# In a copy of a report (the report itself forbids scripts): on load, each table's width
# and the width of the box that would scroll it, one line each.
MEASURE = """<script>addEventListener("load", () => {
  const out = [...document.querySelectorAll(".scroll")].map((d, i) => {
    const c = d.querySelector("caption");
    return "TABLE " + d.querySelector("table").scrollWidth + " " + d.clientWidth + " " +
           (c ? c.textContent : "table " + (i + 1));
  });
  document.body.textContent = out.join("\\n");
});</script>"""
# The printable width of an A4 page with Chromium's default margins (190 mm at 96 px/in).
A4_PX = 718


def tables_too_wide(chromium, html, profile, width, printed):
    """The tables of html wider than their box at a window `width` px wide, as "caption:
    table px > box px"; printed: with the print styles applied (the @media print block that
    ends the style sheet, made unconditional)."""
    text = open(html, encoding="utf-8").read()
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    if printed:
        rules = re.search(r"@media print\{(.*)\}\n</style>", text)
        if rules is None:
            return ["no @media print block ends the style sheet"]
        text = text.replace("</style>", rules.group(1) + "\n</style>")
    copy = html + (".print" if printed else ".screen") + ".measure.html"
    with open(copy, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", MEASURE + "</body>"))
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile, "--dump-dom",
           "--window-size=%d,2000" % width, "file://" + os.path.abspath(copy)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    found = re.findall(r"TABLE (\d+) (\d+) ([^\n<]*)", p.stdout)
    if p.returncode != 0 or not found:
        return ["measuring failed (%d): %s" % (p.returncode, p.stderr[-500:])]
    return ["%s: %s px > %s px" % (cap, t, box) for t, box, cap in found if int(t) > int(box)]


def histogram(png):
    """The image's size and its colours with their pixel counts."""
    from PIL import Image
    im = Image.open(png).convert("RGB")
    return im.size, im.getcolors(im.size[0] * im.size[1])


def check_screenshot(png):
    (w, h), counts = histogram(png)
    problems = []
    if (w, h) != (WIDTH, HEIGHT):
        problems.append("size %dx%d" % (w, h))
    colours = len(counts)
    non_white = sum(n for n, c in counts if c != (255, 255, 255)) / (w * h)
    # the first series colour, #0072B2, drawn by the curves (anti-aliasing blurs edges)
    blue = sum(n for n, (r, g, b) in counts if abs(r - 0x00) < 24 and abs(g - 0x72) < 24
               and abs(b - 0xB2) < 24)
    if colours < 50:
        problems.append("only %d distinct colours" % colours)
    if not 0.01 <= non_white <= 0.6:
        problems.append("%.3f of the pixels are not white" % non_white)
    if blue < 500:
        problems.append("only %d pixels of the curves' blue" % blue)
    print("%s: %d colours, %.3f non-white, %d curve-blue pixels"
          % (os.path.basename(png), colours, non_white, blue))
    return problems


def main():
    stratum, datasets, work = sys.argv[1:4]
    chromium = chromium_path()
    if chromium is None:
        if os.environ.get("CI"):
            print("chromium is not installed, and CI is set: install the Debian package chromium")
            return 1
        print("chromium is not installed: skipped")
        return 77
    reports = report_make.make_reports(stratum, datasets, work)
    profile = os.path.join(work, "chromium-profile")
    failures = []
    for name in ("evaluate_model", "cv", "compare", "drift"):
        html, _, n_series = reports[name]
        png = os.path.join(work, name + ".png")
        dom, errors = render(chromium, html, png, profile)
        if errors:
            failures.append("%s: Chromium reported %s" % (name, errors[:3]))
        # the browser built the page we wrote: every curve is in its DOM
        curves = dom.count('class="curve"')
        if curves != (n_series if name == "drift" else 3 * n_series):
            failures.append("%s: %d curves in Chromium's DOM" % (name, curves))
        failures += ["%s: %s" % (name, p) for p in check_screenshot(png)]
        for width, printed, how in ((1280, False, "at 1280 px"), (A4_PX, True, "printed")):
            failures += ["%s %s: a table is wider than the page: %s" % (name, how, p)
                         for p in tables_too_wide(chromium, html, profile, width, printed)]
    broken = os.path.join(work, "broken.html")
    with open(broken, "w") as f:
        f.write(BROKEN)
    _, errors = render(chromium, broken, os.path.join(work, "broken.png"), profile)
    if len(errors) < 2:
        failures.append("the page with a script and an external image went unnoticed: %s"
                        % errors)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("Chromium rendered every report without errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
