"""The same job done the usual way: pandas.read_excel (openpyxl), python-docx add_paragraph, DataFrame.to_excel.

Reads the ledger, fills the problem columns down, lights each measure, writes the notice paragraph by paragraph
with the same style template, and writes a five-sheet summary with pandas. Used only by bench/run.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docx_templates" / "notice.docx"
ORDINALS = "一二三四五六七八九十"
PROBLEM_COLUMNS = ["序号", "问题类别", "问题", "问题具体表现"]


def run_baseline(ledger: Path, out_dir: Path, as_of: date, warn_days: int = 10) -> None:
    import docx
    import pandas as pd

    info = pd.read_excel(ledger, sheet_name="基本信息", engine="openpyxl", index_col=0)["内容"]
    df = pd.read_excel(ledger, sheet_name="整改台账", engine="openpyxl")
    df[PROBLEM_COLUMNS] = df[PROBLEM_COLUMNS].ffill()
    due = pd.to_datetime(df["整改时限"], errors="coerce")
    days_left = (due - pd.Timestamp(as_of)).dt.days
    open_ = df["整改状态"].isin(["正在推进", "未启动"])
    df["灯号"] = ""
    df.loc[open_ & (days_left <= warn_days), "灯号"] = "黄灯"
    df.loc[open_ & (days_left < 0), "灯号"] = "红灯"
    df["逾期天数 / 剩余天数"] = days_left.where(days_left >= 0, -days_left)

    issuer = info["发文机关"]
    title = f"{issuer}关于{info['巡察轮次']}反馈意见整改进展情况的通报"
    document = docx.Document(str(TEMPLATE))
    document.add_paragraph(title, style="公文标题")
    document.add_paragraph("")
    document.add_paragraph(f"根据巡察工作统一部署，{info['巡察组']}对{issuer}开展了{info['巡察方式']}。")
    document.add_paragraph("一、整改工作组织领导情况", style="一级标题")
    for text in str(info["组织领导情况"]).split("\n"):
        document.add_paragraph(text)
    document.add_paragraph("二、整改任务落实完成情况", style="一级标题")
    published = df[df["整改状态"] != "未启动"]
    for n, (_, group) in enumerate(published.groupby("序号", sort=False), 1):
        document.add_paragraph().add_run(f"{n}.关于“{group['问题'].iloc[0]}”的问题。", style="条目标题")
        steps = [f"{ORDINALS[k % 10]}是{text}" for k, text in enumerate(group["整改进展"].astype(str))]
        document.add_paragraph("整改情况：" + "".join(steps))
    document.add_paragraph("三、下一步工作安排", style="一级标题")
    for text in str(info["下一步工作安排"]).split("\n"):
        document.add_paragraph(text)
    document.add_paragraph(issuer, style="发文机关署名")
    document.add_paragraph(f"{as_of.year}年{as_of.month}月{as_of.day}日", style="成文日期")
    out_dir.mkdir(parents=True, exist_ok=True)
    document.save(str(out_dir / f"{title}.docx"))

    states = df["整改状态"].value_counts()
    figures = pd.DataFrame(
        {
            "指标": [
                "问题总数",
                "整改措施总数",
                "已完成",
                "正在推进",
                "长期坚持",
                "未启动",
                "红灯",
                "黄灯",
                "措施完成率",
            ],
            "数值": [
                df["序号"].nunique(),
                len(df),
                *(int(states.get(s, 0)) for s in ("已完成", "正在推进", "长期坚持", "未启动")),
                int((df["灯号"] == "红灯").sum()),
                int((df["灯号"] == "黄灯").sum()),
                states.get("已完成", 0) / len(df),
            ],
        }
    )
    by_department = df.groupby("责任部门").agg(
        措施数=("整改措施", "size"),
        已完成=("整改状态", lambda s: (s == "已完成").sum()),
        逾期=("灯号", lambda s: (s == "红灯").sum()),
    )
    late = df[df["灯号"].isin(["红灯", "黄灯"])]
    findings = late[["灯号", "整改时限", "责任人"]].rename(columns={"灯号": "级别"})
    with pd.ExcelWriter(out_dir / f"{title}_汇总.xlsx", engine="openpyxl") as writer:
        figures.to_excel(writer, sheet_name="汇总", index=False)
        by_department.to_excel(writer, sheet_name="按责任部门")
        late.to_excel(writer, sheet_name="逾期事项", index=False)
        df.to_excel(writer, sheet_name="措施明细", index=False)
        findings.to_excel(writer, sheet_name="检查结果", index=False)
