"""Chinese messages for generate.bat and generate.sh: the scripts stay ASCII, Python prints the Chinese.

Usage: python tools/launcher_messages.py KEY [ARGUMENT] prints a message (ARGUMENT: an exit code for
"result"); python tools/launcher_messages.py check_venv exits 0 when the
running Python can import pip and the runtime libraries. Standard library only, and plain syntax: it runs
with whichever Python the script found, before the virtual environment exists.
"""

import sys

# The last line of every result: everything else is in the window. rectification/cli/drops.py says the same words
# after a drop run from a console (tests/test_launchers.py keeps the two equal).
WINDOW_HINT = "需要 PDF、督办提醒函、与上次比较等更多选项时，直接双击 generate.bat 打开窗口。"

# What a usable .venv imports: pip to install, then the libraries of requirements.txt (import names).
VENV_MODULES = (
    "pip._internal.cli.main",
    "openpyxl",
    "docx",
    "xlsxwriter",
    "click",
    "python_calamine",
    "defusedxml",
    "rapidfuzz",
)

MESSAGES = {
    "creating_venv": "第一次运行：正在创建运行环境（.venv 文件夹），请稍候……",
    "rebuilding_venv": (
        "运行环境（.venv 文件夹）不完整（上次安装可能被中断，或被杀毒软件、磁盘已满破坏），正在重新创建，请稍候……"
    ),
    "venv_failed": (
        "创建运行环境失败。请先把压缩包完整解压（不要在压缩包里直接运行），"
        "并确认本文件夹可以写入；也可以把整个文件夹复制到“文档”中再运行。"
    ),
    "installing_online": "正在联网安装所需组件（只在第一次运行或组件更新后进行，约需一两分钟），请稍候……",
    "installing_offline": "正在从 wheels 文件夹安装所需组件（离线安装），请稍候……",
    "install_failed_online": (
        "安装组件失败。请检查网络连接后重新运行；单位电脑不能上网时，请向维护人员索取带 wheels 文件夹的离线安装包。"
    ),
    "install_failed_offline": (
        "从 wheels 文件夹安装组件失败：离线安装包可能与本机的 Python 不匹配"
        "（需要 64 位 Python 3.10 至 3.14）。请把上面的英文信息截图发给维护人员。"
    ),
    "install_broken": (
        "组件已安装，但仍无法载入（可能被杀毒软件拦截，或磁盘已满）。"
        "请检查后重新双击运行，将重新创建运行环境；仍不行请把本窗口截图发给维护人员。"
    ),
    # generate.bat shows this one in a message box (tools\ is not there to print it), as \u escapes.
    "not_extracted": (
        "请先把压缩包完整解压：在压缩包上点右键，选“全部解压缩”，"
        "再双击解压出来的文件夹里的 generate.bat。不要在压缩包里直接运行。"
    ),
    "result_0": "完成：通报和汇总表已生成，位置见上面几行。",
    "result_1": "台账有错误，未生成通报。请按上面的提示修改台账后再运行；汇总表的“检查结果”工作表也列出了这些问题。",
    "result_2": "未能处理台账，请看上面的说明。",
    "result_3": "通报已生成，但 PDF 或邮件未完成，请看上面的说明。",
    "result_4": (
        "程序组件不完整，台账没有问题。请重新双击运行 generate.bat：将自动重新创建运行环境并安装组件"
        "（需要联网或 wheels 文件夹）。"
    ),
    "result_other": "程序异常结束（退出码 {arg}）。请把本窗口截图发给维护人员。",
    "press_any_key": "按任意键关闭本窗口……",
    "press_enter": "按回车键关闭本窗口……",
}


def message(key, arg=""):
    if key == "result":
        key = "result_" + arg if "result_" + arg in MESSAGES else "result_other"
        return MESSAGES[key].format(arg=arg) + "\n" + WINDOW_HINT
    return MESSAGES.get(key, key).format(arg=arg)


def check_venv(modules=VENV_MODULES):
    """0 when every module imports; a half-made venv (window closed, antivirus, full disk) gives 1."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # ImportError, or a damaged file's SyntaxError or OSError
            sys.stderr.write(f"cannot import {name}: {error}\n")
            return 1
    return 0


def main(argv):
    if not argv:
        sys.stderr.write("usage: launcher_messages.py KEY [ARGUMENT] | check_venv\n")
        return 2
    if argv[0] == "check_venv":
        return check_venv()
    print(message(argv[0], argv[1] if len(argv) > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
