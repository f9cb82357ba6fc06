"""Draws the benchmark's results.json as one PNG (run with .venv-rasa's matplotlib)."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(results_path: str, png_path: str) -> None:
    with open(results_path) as source:
        results = json.load(source)
    runs = results["runs"]

    def series(path, replicas, key):
        chosen = [r for r in runs if r["path"] == path and r["rasa_replicas"] == replicas]
        return [r["concurrency"] for r in chosen], [r[key] or 0 for r in chosen]

    lines = [
        ("bare Rasa", "bare", 1),
        ("full path, 1 Rasa", "full", 1),
        ("full path, 2 Rasa", "full", 2),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for label, path, replicas in lines:
        x, y = series(path, replicas, "throughput_per_s")
        axes[0][0].plot(x, y, marker="o", label=label)
        for key, style in (("reply_p50_ms", "-"), ("reply_p99_ms", "--")):
            x, y = series(path, replicas, key)
            axes[0][1].plot(x, y, style, marker="o", label=f"{label} {key[6:9]}")
    for key in ("ack_p50_ms", "ack_p99_ms"):
        for replicas in (1, 2):
            x, y = series("full", replicas, key)
            axes[1][0].plot(x, y, marker="o", label=f"full, {replicas} Rasa, {key[4:7]}")
    rate = [r for r in runs if r["path"] == "rate"]
    for r in rate:
        axes[1][0].axhline(r["ack_p99_ms"], color="red", linestyle=":", label=f"{r['name']} p99")
    names = [r["name"] for r in runs]
    ours = [r["cpu_ms_per_message_ours"] for r in runs]
    rasa = [r["cpu_ms_per_message_rasa"] for r in runs]
    axes[1][1].barh(names, ours, label="web + worker")
    axes[1][1].barh(names, rasa, left=ours, label="Rasa + actions")
    titles = [
        ("throughput (texts/s) by senders at once", "senders"),
        ("end-to-end reply latency (ms)", "senders"),
        ("webhook acknowledgement (ms)", "senders"),
        ("CPU ms per text", "ms"),
    ]
    for ax, (title, xlabel) in zip([a for row in axes for a in row], titles, strict=True):
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7)
        if xlabel == "senders":
            ax.set_xscale("log", base=2)
    fig.suptitle("family helpline: bare Rasa against the full path")
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)


if __name__ == "__main__":
    main(*sys.argv[1:3])
