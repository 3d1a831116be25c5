"""Chinese messages for generate.bat and generate.sh: the scripts stay ASCII, Python prints the Chinese.

Usage: python tools/launcher_messages.py KEY [EXIT_CODE]. Standard library only, and plain syntax: it runs
with whichever Python the script found, before the virtual environment exists.
"""

import sys

MESSAGES = {
    "creating_venv": "第一次运行：正在创建运行环境（.venv 文件夹），请稍候……",
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
    "result_0": "完成。已打开输出文件夹 output，通报和汇总表都在里面。",
    "result_1": "台账有错误，未生成通报。请按上面的提示修改台账后再运行；汇总表的“检查结果”工作表也列出了这些问题。",
    "result_2": "未能处理台账，请看上面的说明。",
    "result_3": "通报已生成，但 PDF 或邮件未完成，请看上面的说明。已打开输出文件夹 output。",
    "result_other": "程序异常结束（退出码 {code}）。请把本窗口截图发给维护人员。",
    "press_any_key": "按任意键关闭本窗口……",
    "press_enter": "按回车键关闭本窗口……",
}


def message(key, code=""):
    if key == "result":
        key = "result_" + code if "result_" + code in MESSAGES else "result_other"
    return MESSAGES.get(key, key).format(code=code)


def main(argv):
    if not argv:
        sys.stderr.write("usage: launcher_messages.py KEY [EXIT_CODE]\n")
        return 2
    code = argv[1] if len(argv) > 1 else ""
    print(message(argv[0], code))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
