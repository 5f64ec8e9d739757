"""The native renderers (vl-convert for chart images, typst for PDFs) run in a child process.

Both are Rust libraries: a panic inside them aborts the whole process (vl-convert did on a region
name holding ``\\x07``, which ended the Streamlit server for every viewer and ``close --pdf`` with exit
134). Here a crash, a hang or an exception in the renderer becomes a :class:`RenderError` for that one
request; the next request starts a fresh child. Text is also cleaned before it gets here
(``reports.safe_text.clean``): the child is the second line of defence, not the first.

One long-lived child per process (started on first use, fonts registered once, replaced after
``MAX_JOBS`` jobs to bound its memory), one job at a time (a lock). Protocol: length-prefixed pickles
over the child's stdin/stdout — both ends are this module; nothing user-supplied is unpickled by the
parent except bytes the child produced. The child's own stdout (fd 1) is pointed at its stderr so a
library's prints cannot corrupt the protocol; its stderr goes to a temporary file that is logged when
it dies.

Child entry point: ``python -m reports.render_worker``.
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 180.0     # one job (a 300-city report renders in a few seconds)
MAX_JOBS = 200              # jobs before the child is replaced (V8 and font caches grow)
_HEADER = struct.Struct(">Q")
log = logging.getLogger(__name__)

MESSAGES = {
    "render_failed": ("文档或图片生成失败（渲染程序异常退出），未生成文件；请稍后重试或联系管理员。",
                      "The document or image could not be made (the renderer stopped); no file was produced. "
                      "Try again later or ask an administrator."),
    "render_timeout": ("文档或图片生成超时，未生成文件。", "Making the document or image took too long; no file was produced."),
    "render_refused": ("渲染程序拒绝了输入：{detail}", "The renderer refused the input: {detail}"),
}


class RenderError(RuntimeError):
    """A renderer failed for one request (bilingual ``message_zh`` / ``message_en``); nothing was produced."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        zh, en = MESSAGES[code]
        self.message_zh, self.message_en = zh.format(detail=detail), en.format(detail=detail)
        super().__init__(self.message_en)

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


# ------------------------------------------------------------------------------------------ child side
def _font_dirs() -> list[str]:
    from reports.fonts import font_dirs

    return list(font_dirs())


def _job_png(payload: dict) -> dict[str, bytes]:
    import vl_convert as vlc

    return {name: vlc.vegalite_to_png(spec, scale=payload.get("scale", 2.0)) for name, spec in payload["specs"].items()}


def _job_svg(payload: dict) -> dict[str, str]:
    import vl_convert as vlc

    return {name: vlc.vegalite_to_svg(spec) for name, spec in payload["specs"].items()}


def _job_pdf(payload: dict) -> bytes:
    import typst

    with tempfile.TemporaryDirectory(prefix="cbm-report-") as tmp:
        root = Path(tmp)
        for name, data in (payload.get("images") or {}).items():
            (root / Path(name).name).write_bytes(data)
        src = root / "main.typ"
        src.write_text(payload["source"], encoding="utf-8")
        return typst.compile(str(src), root=str(root), font_paths=_font_dirs(), ignore_system_fonts=False)


def _job_crash(payload: dict):  # only for tests: what a native abort looks like from the parent
    os.abort()


JOBS = {"png": _job_png, "svg": _job_svg, "pdf": _job_pdf, "crash": _job_crash}


def _read_exact(stream, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def child_main() -> int:
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                       # library prints go to stderr, never into the protocol
    proto_in = sys.stdin.buffer
    fonts_done = False
    while True:
        head = _read_exact(proto_in, _HEADER.size)
        if head is None:
            return 0
        body = _read_exact(proto_in, _HEADER.unpack(head)[0])
        if body is None:
            return 0
        job, payload = pickle.loads(body)
        try:
            if job in ("png", "svg") and not fonts_done:
                import vl_convert as vlc

                for d in _font_dirs():
                    vlc.register_font_directory(d)
                fonts_done = True
            reply = ("ok", JOBS[job](payload))
        except Exception as exc:  # noqa: BLE001 - reported to the parent as a refused request
            reply = ("error", f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        proto_out.write(_HEADER.pack(len(data)) + data)
        proto_out.flush()


# ------------------------------------------------------------------------------------------ parent side
class _Worker:
    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.jobs = 0
        self.errlog = None
        self.lock = threading.Lock()

    def _start(self) -> None:
        self.errlog = tempfile.TemporaryFile(prefix="cbm-render-")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        self.proc = subprocess.Popen([sys.executable, "-m", "reports.render_worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errlog, cwd=str(ROOT), env=env,
                                     start_new_session=True)
        self.jobs = 0

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=2)
            except Exception:  # noqa: BLE001
                proc.kill()
                proc.wait()
            for f in (proc.stdout,):
                f.close()
        if self.errlog is not None:
            self.errlog.close()
            self.errlog = None

    def _died(self, code: str) -> RenderError:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        rc = proc.wait() if proc is not None else None
        tail = ""
        if self.errlog is not None:
            self.errlog.seek(0)
            tail = self.errlog.read()[-2000:].decode("utf-8", "replace")
        log.warning("render worker %s (exit %s); its last output:\n%s", code, rc, tail)
        self.stop()
        return RenderError(code)

    def _read(self, n: int, deadline: float) -> bytes | None:
        fd, buf = self.proc.stdout.fileno(), b""
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                return None
            buf += chunk
        return buf

    def run(self, job: str, payload: dict, timeout: float) -> object:
        with self.lock:
            if self.proc is not None and (self.proc.poll() is not None or self.jobs >= MAX_JOBS):
                self.stop()
            if self.proc is None:
                self._start()
            self.jobs += 1
            data = pickle.dumps((job, payload), protocol=pickle.HIGHEST_PROTOCOL)
            deadline = time.monotonic() + timeout
            try:
                self.proc.stdin.write(_HEADER.pack(len(data)) + data)
                self.proc.stdin.flush()
                head = self._read(_HEADER.size, deadline)
                body = None if head is None else self._read(_HEADER.unpack(head)[0], deadline)
            except TimeoutError:
                raise self._died("render_timeout") from None
            except (BrokenPipeError, OSError):
                raise self._died("render_failed") from None
            if body is None:
                raise self._died("render_failed")
            status, result = pickle.loads(body)
            if status != "ok":
                raise RenderError("render_refused", result)
            return result


_worker = _Worker()
atexit.register(_worker.stop)


def run(job: str, payload: dict, timeout: float = TIMEOUT_SECONDS):
    """Run one render job in the child (``png``/``svg``: {"specs": {name: spec}, "scale"}; ``pdf``:
    {"source", "images"}). Raises :class:`RenderError` when the renderer fails, hangs or dies."""
    return _worker.run(job, payload, timeout)


if __name__ == "__main__":
    sys.exit(child_main())
