"""Helpers shared by the benchmark scripts: where things are, and replies to score."""
from __future__ import annotations

import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPENERS = ["您好", "大爷您好", "师傅", "阿姨您先别着急", "你", "这位同志", "老乡"]
MIDDLES = [
    "您说的情况我记下了，我跟您核对一下：您是去年三月进场的，对吧？",
    "这事不归我们管，你去找别的部门",
    "请问用工单位是哪一家？有没有合同或者记工本？",
    "我们会向责任单位核实情况，听一听他们的意见",
    "急什么，没看我正忙着吗",
    "按规定，我们15日内会书面告诉您是否受理，60日内办结",
    "包在我身上，明天就让他们把钱打给你",
    "您这个属于劳动争议，可以到劳动保障监察大队投诉，也可以申请劳动仲裁",
    "你们推选不超过五名代表到接待室来，其他人先在外面休息",
    "爬塔吊太危险了，您的安全最要紧",
]
CLOSERS = ["", "您看可以吗？", "一周内我给您回电话。", "你问我我问谁", "您慢慢说，我听着。"]


def replies(count: int, seed: int = 7) -> list[str]:
    """Realistic replies of varied length, built from reception-desk fragments."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rng.choice(OPENERS)] + rng.sample(MIDDLES, rng.randint(1, 4)) + [rng.choice(CLOSERS)]
        out.append("，".join(p for p in parts if p))
    return out


def summary(label: str, seconds: list[float], unit: float = 1000.0, suffix: str = "ms") -> str:
    values = sorted(seconds)
    p95 = values[int(len(values) * 0.95) - 1] if len(values) >= 20 else values[-1]
    return (f"{label}: median {statistics.median(values) * unit:.3f} {suffix}, "
            f"p95 {p95 * unit:.3f} {suffix}, n={len(values)}")
