# scripts/measure-table.awk: the table scripts/measure.sh prints, from its results.tsv (a
# line per row and round) and peak.tsv (VmHWM per row), given in that order.
#   awk -f measure-table.awk -v sizes="120x40 200x50" -v ivls="1" -v rows="ROW ..." \
#     results.tsv peak.tsv
# Per row (a program at a size and interval): the median over the rounds and, in brackets,
# the range (min-max), of CPU (% of one core), bytes to the terminal per second and, for
# rows with an engine, the engine's CPU and requests per second; peak RSS (VmHWM, MB) at
# the end; and the ratio of the row's median to grafatui's and btop's at the same size and
# interval. `engine alone` is the Prometheus that only scrapes: every engine figure
# includes that much.

BEGIN { FS = "\t" }
FNR == 1 { next }
FNR == NR {
  k = $2
  add(k, "cpu", $8); add(k, "bps", $9)
  if ($10 != "-") { add(k, "ecpu", $10); add(k, "ereq", $11) }
  next
}
{ hwm[$1] = $5 * 1024 / 1e6 }

function add(k, what, v) { n[k, what]++; vals[k, what, n[k, what]] = v + 0 }

# the median of k's values of what ("" when none)
function med(k, what,   m, i, j, t, a) {
  m = n[k, what]
  if (m == 0) return ""
  for (i = 1; i <= m; i++) a[i] = vals[k, what, i]
  for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function lo(k, what,   i, v) { v = vals[k, what, 1]; for (i = 2; i <= n[k, what]; i++) if (vals[k, what, i] < v) v = vals[k, what, i]; return v }
function hi(k, what,   i, v) { v = vals[k, what, 1]; for (i = 2; i <= n[k, what]; i++) if (vals[k, what, i] > v) v = vals[k, what, i]; return v }
# "median (min-max)" in fmt, or "-"
function cell(k, what, fmt) {
  if (n[k, what] == 0) return "-"
  if (n[k, what] == 1) return sprintf(fmt, med(k, what))
  return sprintf(fmt " (" fmt "-" fmt ")", med(k, what), lo(k, what), hi(k, what))
}
function ratio(k, ref, what,   a, b) {
  if (k == ref || n[k, what] == 0 || n[ref, what] == 0) return "-"
  a = med(k, what); b = med(ref, what)
  return b > 0 ? sprintf("%.2f", a / b) : "-"
}
function line(a, b, c, d, e, f, g, h, i, j, l) {
  printf "| %-15s | %-7s | %-24s | %-10s | %-6s | %-9s | %-24s | %-10s | %-24s | %-20s |\n", a, b, c, d, e, f, g, h, i, j
}

END {
  line("program", "size", "CPU, % of one core", "/ grafatui", "/ btop", "VmHWM, MB", "bytes to the terminal/s", "/ grafatui", "engine CPU, % of a core", "engine requests/s")
  printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "-----------------", "---------", "--------------------------", "------------", "--------", "-----------", "--------------------------", "------------", "--------------------------", "----------------------"
  ni = split(ivls, iv, " "); ns = split(sizes, sz, " "); nr = split(rows, rw, " ")
  for (a = 1; a <= ni; a++) for (b = 1; b <= ns; b++) {
    g = "grafatui-" sz[b] "-" iv[a] "s"; t = "btop-" sz[b] "-" iv[a] "s"
    for (c = 1; c <= nr; c++) {
      k = rw[c] "-" sz[b] "-" iv[a] "s"
      if (n[k, "cpu"] == 0) continue
      line(rw[c], sz[b] (ni > 1 ? " " iv[a] "s" : ""), cell(k, "cpu", "%.3f"), ratio(k, g, "cpu"), ratio(k, t, "cpu"),
        (k in hwm) ? sprintf("%.1f", hwm[k]) : "-", cell(k, "bps", "%.0f"), ratio(k, g, "bps"),
        cell(k, "ecpu", "%.3f"), cell(k, "ereq", "%.1f"))
    }
  }
  if (n["alone", "ecpu"] > 0)
    line("engine alone", "-", "-", "-", "-", "-", "-", "-", cell("alone", "ecpu", "%.3f"), cell("alone", "ereq", "%.1f"))
}
