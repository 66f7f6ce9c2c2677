#!/bin/sh
# Makes hostile.txt: the 6.1 lab's leak capture (kern.log, four memcg kills
# of leakyd in /leaky.service) with the process and cgroup names of its
# reports replaced by text that would be markup in a page: the first report's
# by <script>alert(1)</script>, the second's by "'><img src=x onerror=alert(1)>,
# the last two's by &amp;, and the host by lab<i>&amp;. tests/e2e/report_html.sh
# checks that the HTML report shows them as text. Run from this directory:
#   sh make-hostile.sh
set -eu
lab=../lab/6.1.0-50-amd64/leak/kern.log.xz
xz -dc "$lab" | sed -n '365,708p' | awk '
	/ invoked oom-killer:/ { n++ }
	{
		if (n == 1) { name = "<script>alert(1)</script>"; cg = "/<script>alert(1)</script>.slice" }
		else if (n == 2) { name = "\"'"'"'><img src=x onerror=alert(1)>"; cg = "/\"'"'"'><img src=x onerror=alert(1)>.slice" }
		else { name = "\\&amp;"; cg = "/\\&amp;.service" } # in a replacement, \\& is a literal &
		gsub(/\/leaky\.service/, cg)
		gsub(/leakyd/, name)
		sub(/ lab-6-1-0 kernel:/, " lab<i>\\&amp; kernel:")
		print
	}' >hostile.txt
