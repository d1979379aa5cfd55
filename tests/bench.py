"""Round-trip benchmark of the dcem kernel against ipykernel, measured in
the same run on the same machine.

For each kernel: the time from starting the kernel process to its first
kernel_info reply, and the time of an execute_request of "1+1" from
sending it to the idle status on iopub (median and 90th percentile of N).

Usage: bench.py [N]   (kernelspecs "dcem" and "python3" must be installed)
"""

import statistics
import sys
import time

from jupyter_client.manager import KernelManager


def measure(kernel_name, code, n):
    km = KernelManager(kernel_name=kernel_name)
    start = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    first_reply = time.perf_counter() - start
    try:
        for _ in range(5):  # warm up
            run(kc, code)
        times = [run(kc, code) for _ in range(n)]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return first_reply, times


def run(kc, code):
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    elapsed = time.perf_counter() - t0
    kc.get_shell_msg(timeout=10)
    return elapsed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(f"{'kernel':10} {'start→first reply':>18} {'1+1 median':>12} {'1+1 p90':>10}  (N={n})")
    for name in ("dcem", "python3"):
        first, times = measure(name, "1+1", n)
        times.sort()
        p90 = times[int(0.9 * len(times)) - 1]
        print(f"{name:10} {first * 1e3:15.1f} ms {statistics.median(times) * 1e3:9.2f} ms {p90 * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
