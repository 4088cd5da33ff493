import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SPUTNIK = SHARED / "samples" / "scraped-article-sputnik.txt"
ARTIFACTS = ROOT / "test-artifacts"

# A short report written for these tests; the paragraphs are reused to build inputs of every kind.
ARTICLE_PARAGRAPHS = [
    "قال مصدر عسكري لوكالة الأنباء إن وحدات من الجيش السوري تصدت فجر اليوم لهجوم شنه مسلحون على نقاط عسكرية في ريف إدلب الجنوبي.",
    "وأضاف المصدر أن الاشتباكات استمرت ثلاث ساعات وأسفرت عن مقتل خمسة مسلحين وإصابة جنديين بجروح طفيفة.",
    "ولم يتسن التحقق من صحة هذه الأنباء من مصادر مستقلة حتى الآن.",
]


def article_text(extra: str = "") -> str:
    return "\n".join(ARTICLE_PARAGRAPHS) + ("\n" + extra if extra else "")


def rasd(*args: str, cwd: Path | None = None, input: bytes | None = None, timeout: int = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed `rasd` command as a user would (`env` adds to the environment)."""
    exe = Path(sys.executable).with_name("rasd")
    return subprocess.run([str(exe), *args], cwd=cwd, input=input, capture_output=True, timeout=timeout,
                          env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
