"""Maintainer's command: the offline bundle for PCs without internet.

    python tools/make_offline_bundle.py            # download Windows wheels into wheels/, zip into dist/
    python tools/make_offline_bundle.py --no-download   # zip with the wheels/ already there

The zip holds the repository's tracked files (git ls-files, as in the working tree) plus wheels/: 64-bit
Windows wheels of requirements.txt for CPython 3.10 to 3.14, about 25 MB (lxml alone is 4 MB per Python
version; the code is 0.2 MB). generate.bat installs from wheels/ with --no-index when the folder is there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORM = "win_amd64"
# pip evaluates environment markers for the machine it runs on, not for --platform: Windows-only
# dependencies (click needs colorama on Windows; pywin32 makes PDFs through Word or WPS) must be named here.
WINDOWS_ONLY = ("colorama", "pywin32")
BUNDLE_NAME = "rectification-notice"


def download_wheels(requirements: Path, dest: Path, versions: tuple[str, ...] = PYTHON_VERSIONS) -> list[Path]:
    """pip download the requirements as Windows wheels for each Python version; raises CalledProcessError."""
    dest.mkdir(parents=True, exist_ok=True)
    for version in versions:
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--only-binary=:all:", "--platform", PLATFORM, "--python-version", version, "--implementation", "cp",
            "--dest", str(dest), "-r", str(requirements), *WINDOWS_ONLY,
        ]  # fmt: skip
        subprocess.run(command, check=True)
    return sorted(dest.glob("*.whl"))


def repo_files(root: Path = ROOT) -> list[str]:
    """The tracked files, as git lists them (paths with / separators)."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    return [name for name in listing.decode("utf-8").split("\0") if name and (root / name).is_file()]


def build_zip(root: Path, files: list[str], wheels: Path | None, target: Path, prefix: str = BUNDLE_NAME) -> Path:
    """Zip files (relative to root) and wheels/*.whl under one top folder; executables keep their mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    members = [(root / name, f"{prefix}/{name}") for name in sorted(files)]
    if wheels is not None and wheels.is_dir():
        members += [(path, f"{prefix}/wheels/{path.name}") for path in sorted(wheels.glob("*.whl"))]
    partial = target.with_name(f"{target.name}.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for source, arcname in members:
            info = zipfile.ZipInfo.from_file(source, arcname)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, source.read_bytes())
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="制作离线安装包：下载 Windows 组件到 wheels/，连同代码打包为 zip。")
    parser.add_argument("--no-download", action="store_true", help="不下载，使用 wheels/ 中已有的文件")
    parser.add_argument("--versions", nargs="+", default=list(PYTHON_VERSIONS), help="Python 版本（默认 3.10 至 3.14）")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="zip 的输出文件夹（默认 dist/）")
    args = parser.parse_args(argv)
    wheels = ROOT / "wheels"
    if not args.no_download:
        print(f"正在下载 Windows 64 位组件（Python {'、'.join(args.versions)}）到 {wheels} ……")
        try:
            download_wheels(ROOT / "requirements.txt", wheels, tuple(args.versions))
        except subprocess.CalledProcessError:
            print("下载失败：请检查网络，或某个版本没有可用的 Windows 组件（见上面 pip 的信息）。", file=sys.stderr)
            return 1
    found = sorted(wheels.glob("*.whl")) if wheels.is_dir() else []
    if not found:
        print("wheels/ 中没有组件，离线安装包没有意义：请去掉 --no-download 重试。", file=sys.stderr)
        return 1
    target = args.out / f"{BUNDLE_NAME}-offline-{date.today():%Y%m%d}.zip"
    build_zip(ROOT, repo_files(), wheels, target)
    size = target.stat().st_size / 1e6
    print(f"已生成离线安装包：{target}（{size:.1f} MB，含 {len(found)} 个组件）")
    print("把 zip 拷到目标电脑，完整解压后双击 generate.bat。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
