"""Write the canonical rectification ledger workbook (整改台账模板).

Usage: python tools/build_workbook_template.py [OUT]   (default: workbook_template.xlsx at the repo root)

The workbook holds the example of the reference notice (区红十字会巡察整改进展情况通报): its 基本信息 and
ledger reproduce that notice word for word. The owners, deadlines, statuses and dates are invented but
plausible. The content is plain data at the top; the formatting is in the short functions below it.
The build is deterministic: the same script gives the same file, byte for byte.
"""

from __future__ import annotations

import io
import math
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "workbook_template.xlsx"
BUILD_TIME = datetime(2025, 12, 11, 9, 0, 0)  # fixed, so rebuilding gives the same file

GUIDE_SHEET = "填表说明"
INFO_SHEET = "基本信息"
LEDGER_SHEET = "整改台账"

# ---------------------------------------------------------------------------------------------------
# The ledger: one Problem per inspection finding, one Measure (one ledger row) per rectification measure.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    measure: str  # 整改措施: a short summary, not in the notice
    leader: str  # 责任领导
    department: str  # 责任部门
    person: str  # 责任人
    deadline: str | date  # 整改时限: a date cell or text as clerks write it
    status: str  # 整改状态
    completed: date | None  # 完成时间
    progress: str  # 整改进展: the notice's 整改情况, without 一是/二是
    evidence: str = ""  # 佐证材料
    remark: str = ""  # 备注


@dataclass(frozen=True)
class Problem:
    category: str  # 问题类别
    title: str  # 问题
    measures: tuple[Measure, ...]
    detail: str = ""  # 问题具体表现


M = Measure
POLITICS = "政治建设方面"
DUTIES = "履行职责方面"
PARTY = "党的建设方面"
DONE, IN_PROGRESS, ONGOING = "已完成", "正在推进", "长期坚持"

# Leaders: 王建华 党组书记、常务副会长; 李明 党组成员、副会长; 陈立新 党组成员、专职副会长.
# Departments and staff: 综合科 刘芳 / 黄磊; 赈济救护科 周强; 宣传筹资科 孙丽; 机关党支部 吴静.
#
# M(整改措施, 责任领导, 责任部门, 责任人, 整改时限, 整改状态, 完成时间, 整改进展, 佐证材料, 备注)
# fmt: off
PROBLEMS: list[Problem] = [
    Problem(
        POLITICS,
        "第一议题制度落实不严格",
        (
            M(
                "召开专题会议学习“第一议题”制度相关文件",
                "王建华", "综合科", "刘芳", "立行立改", DONE, date(2025, 8, 12),
                "巡察反馈会后，区红十字会立即召开专题会议，组织学习了相关文件。",
                "会议纪要、学习材料",
            ),
            M(
                "修订党组会议议事规则，明确“第一议题”前置程序",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 19),
                "9月召开了会议修订党组会议议事规则，将“第一议题”学习作为党组会议的固定前置程序和强制性要求，"
                "明确要求每次党组会必须首先传达学习习近平总书记最新重要讲话、重要指示批示精神以及党中央最新决策部署。",
                "党组会议议事规则（修订稿）",
            ),
            M(
                "建立“第一议题”学习台账，党组书记审定督促",
                "王建华", "综合科", "刘芳", "长期坚持", ONGOING, None,
                "建立“第一议题”学习台账，由党组书记亲自审定内容、主持学习、督促落实，综合科负责日常提醒和记录管理。",
                "“第一议题”学习台账",
            ),
        ),
    ),
    Problem(
        POLITICS,
        "未按要求组织学习",
        (
            M(
                "梳理漏学内容并组织补学",
                "王建华", "综合科", "刘芳", "2025年8月底前", DONE, date(2025, 8, 28),
                "已全面梳理漏学内容，补学了相关内容。",
                "补学记录",
            ),
            M(
                "召开专题会，开展理论学习反思",
                "王建华", "综合科", "刘芳", "立行立改", DONE, date(2025, 8, 21),
                "8月召开专题会，区红十字会全体党员干部针对理论学习重要性开展深刻反思，"
                "充分认识理论学习对指导实践、推动工作的根本性作用。",
                "会议纪要",
            ),
            M(
                "完善学习制度，制定学习计划，建立学习台账",
                "王建华", "综合科", "刘芳", "2025年底前，并长期坚持", ONGOING, None,
                "完善党组会及理论学习中心组学习制度，制定学习计划，建立党组会及理论学习中心组学习台账，"
                "确保学习要求全面落实。",
                "学习计划、学习台账",
            ),
        ),
    ),
    Problem(
        POLITICS,
        "学习形式单一，指导实践不够",
        (
            M(
                "建立“集中学习+个人自学+学习研讨”机制",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 12),
                "已改变单一传达模式，建立了“集中学习+个人自学+学习研讨”机制。",
            ),
            M(
                "围绕业务难点开展学习研讨，形成对策建议",
                "李明", "综合科", "刘芳", "2025年10月31日", DONE, date(2025, 10, 24),
                "近期集体学习研讨均围绕人道资源动员、基层力量整合等核心业务难点进行深入研讨交流，并形成了初步对策建议。",
                "研讨发言材料",
            ),
            M(
                "建立研讨成果转化应用台账，定期通报进展",
                "王建华", "综合科", "刘芳", "长期坚持", ONGOING, None,
                "建立学习研讨成果转化应用台账，跟踪督办议定事项落实情况，定期向党组会通报进展。",
                "成果转化应用台账",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "职能作用发挥不充分",
        (
            M(
                "召开理事会监事会会议，增补人员、审议工作规则",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 26),
                "召开了区红十字会第一届理事会监事会第二次会议，会议增补了相关人员，听取并通过了"
                "《东西湖区红十字会理事会工作规则（试行）》、《东西湖区红十字会监事会工作规则（试行）》、"
                "《东西湖区红十字会第一届理事会2025年上半年工作报告》。",
                "会议纪要、会议决议",
            ),
            M(
                "制定理事会、监事会工作规则，厘清三方权责",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 26),
                "《工作规则》明确了区红十字会理事会、监事会工作职责，明确界定理事会决策、执委会执行、"
                "监事会监督的三方权责边界。",
                "理事会、监事会工作规则",
            ),
            M(
                "建立会议议定事项执行台账，清单化督办销号",
                "陈立新", "综合科", "黄磊", "长期坚持", ONGOING, None,
                "建立会议议定事项执行台账，对理事会决议事项、监事会监督建议实行清单化督办、销号管理。",
                "议定事项执行台账",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "人员配备不到位",
        (
            M(
                "召开监事会会议，选举增补监事会人员",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 26),
                "召开了区红十字会第一届监事会第二次会议，选举增补了监事会监事长、专职副监事长、监事，"
                "会议听取并通过了《东西湖区红十字会监事会工作规则（试行）》。",
                "选举结果、会议纪要",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "应急救援专业力量缺乏",
        (
            M(
                "联合相关部门开展水上应急救援演练",
                "李明", "赈济救护科", "周强", date(2025, 9, 30), DONE, date(2025, 9, 18),
                "组织开展水上应急演练，联合区应急管理局、区人武部、区消防救援大队在金银湖花蜜码头开展7个科目的水上救援演练。",
                "演练方案、现场照片",
            ),
            M(
                "编制自然灾害、水上应急救援演练预案",
                "李明", "赈济救护科", "周强", date(2025, 10, 31), DONE, date(2025, 11, 4),
                "已组织编制自然灾害应急演练预案、水上应急救援演练预案。",
                "应急演练预案",
                "征求相关部门意见后印发，较时限晚4天",
            ),
            M(
                "组建红十字专业救援分队",
                "李明", "赈济救护科", "周强", "2025年底前", DONE, date(2025, 11, 20),
                "已完成组建大众卫生、心理健康等红十字专业救援分队建设。",
                "分队组建文件、队员名册",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "应急救护培训不达标",
        (
            M(
                "开展红十字救护员培训，完成年度培训目标",
                "李明", "赈济救护科", "周强", "2025年底前", DONE, date(2025, 11, 28),
                "2025年区红十字会已组织开展红十字救护员培训36场，培训初级救护员2491人，"
                "超额完成年初制定的年度救护培训目标任务。",
                "培训台账、签到表",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "宣传力度不够",
        (
            M(
                "拓展宣传渠道，在多平台开展“三献”宣传",
                "李明", "宣传筹资科", "孙丽", "立行立改，长期坚持", ONGOING, None,
                "定期在微信公众号宣传的同时，积极对接区融媒体及电视台、报纸传统媒体及各街红十字会，"
                "争取在各平台开展“三献”宣传。",
            ),
            M(
                "制定年度宣传计划，明确宣传重点与频次",
                "李明", "宣传筹资科", "孙丽", "2025年9月底前", DONE, date(2025, 9, 25),
                "制定年度宣传计划，明确“三献”核心政策、科普知识、工作动态及先进典型的宣传重点与频次。",
                "年度宣传计划",
            ),
            M(
                "联合卫健部门和医院开展线下宣讲活动",
                "李明", "宣传筹资科", "孙丽", date(2025, 11, 30), DONE, date(2025, 10, 30),
                "开展线下活动，提升公众参与度，联合区卫健委、同济医院开展了人体器官捐献知识宣讲活动。",
                "活动照片、新闻稿",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "数字化建设效果不明显",
        (
            M(
                "改造微平台系统，上线网络募捐项目",
                "李明", "宣传筹资科", "孙丽", "2025年11月底前", DONE, date(2025, 11, 14),
                "对区红十字会微平台系统进行了改造，已具备发布募捐项目的功能，"
                "同时在“腾讯公益”上线“博爱东西湖”项目，常态化开展募捐工作。",
                "系统改造验收材料",
            ),
        ),
    ),
    Problem(
        DUTIES,
        "志愿服务频次过少",
        (
            M(
                "按年度计划围绕重要节点组织志愿服务活动",
                "陈立新", "宣传筹资科", "孙丽", "长期坚持", ONGOING, None,
                "目前已按年度工作安排，有序组织各街道、社区围绕学雷锋纪念日、端午节、重阳节及国际志愿者日等关键节点，"
                "开展了形式多样的志愿服务活动。",
                "志愿服务活动记录",
            ),
        ),
    ),
    Problem(
        PARTY,
        "理论学习中心组学习落实不够深入",
        (
            M(
                "召开主题党日活动，学习重要讲话精神",
                "王建华", "机关党支部", "吴静", "立行立改", DONE, date(2025, 8, 27),
                "召开主题党日活动，学习习近平总书记关于以学增智及在文化传承发展座谈会上的重要讲话精神。",
                "主题党日活动记录",
            ),
            M(
                "实行“专题领学+研讨交流”学习模式",
                "王建华", "综合科", "刘芳", date(2025, 10, 31), DONE, date(2025, 10, 16),
                "实行“专题领学+研讨交流”模式，自9月底新班子成员到任后，党组理论学习中心组均开展“专题领学+研讨交流”，"
                "安排1名班子成员作重点发言，其他班子成员结合分管工作深入研讨，确保学用结合。",
                "中心组学习记录",
            ),
        ),
    ),
    Problem(
        PARTY,
        "党风廉政建设压得不实",
        (
            M(
                "专题研究党风廉政建设工作，研判廉政风险",
                "王建华", "综合科", "刘芳", "立行立改", DONE, date(2025, 8, 15),
                "区红十字会已于2025年上半年专题研究党风廉政建设工作，部署重点工作，分析研判廉政风险，并形成会议纪要。",
                "会议纪要",
            ),
        ),
    ),
    Problem(
        PARTY,
        "“一岗双责”落实不力",
        (
            M(
                "开展班子成员与科室负责人廉政谈话",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 10),
                "严格落实廉政谈话制度，班子成员与科室负责人开展了廉政谈话。",
                "廉政谈话记录",
            ),
            M(
                "党风廉政建设与分管工作同部署、同落实",
                "陈立新", "综合科", "黄磊", "2025年9月底前", DONE, date(2025, 8, 29),
                "区红十字会已于2025年上半年专题研究党风廉政建设工作，部署重点工作，"
                "实行党风廉政建设和分管工作同部署、同落实。",
                "会议纪要",
            ),
        ),
    ),
    Problem(
        PARTY,
        "廉政教育力度不够",
        (
            M(
                "制定廉政教育工作清单，明确形式和频次",
                "陈立新", "机关党支部", "吴静", "2025年9月底前", DONE, date(2025, 9, 5),
                "制定了工作清单，明确开展廉政教育的形式和频次。",
                "廉政教育工作清单",
            ),
            M(
                "开展警示教育，讲授廉政专题党课",
                "陈立新", "机关党支部", "吴静", "2025年底前", DONE, date(2025, 10, 22),
                "组织党员干部到党风廉政教育基地接受警示教育，在7月开展的支部主题党日活动中，"
                "讲授了深入贯彻中央八项规定精神专题党课。",
                "党课讲稿、活动照片",
            ),
        ),
        detail="2023年至2025年3月，区红十字会仅开展了1次廉政教育党课活动。",
    ),
    Problem(
        PARTY,
        "班子建设自身存在不足",
        (
            M(
                "争取上级支持，配齐领导班子",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 30),
                "积极争取区委区政府和区委组织部支持，配齐区红十字会领导班子，新任班子成员已于9月底到位，"
                "并召开了9月份党组会。",
                "任职文件",
            ),
            M(
                "对照绩效目标梳理全年任务完成情况",
                "王建华", "综合科", "黄磊", "2025年11月底前", DONE, date(2025, 11, 25),
                "对照年初绩效目标，全面梳理全年目标任务完成情况，目前指标均已完成。",
                "绩效目标完成情况表",
            ),
        ),
    ),
    Problem(
        PARTY,
        "会议记录不严谨",
        (
            M(
                "安排专人完善党组会会议记录",
                "陈立新", "综合科", "黄磊", "立行立改", DONE, date(2025, 8, 20),
                "安排专人对区红十字会的党组会记录进行了完善。",
                "党组会会议记录",
            ),
            M(
                "组织学习党组会议事规则，规范会议记录",
                "陈立新", "综合科", "黄磊", "2025年9月底前", DONE, date(2025, 9, 19),
                "9月组织学习了党组会议事规则，进一步规范会议记录。",
            ),
        ),
    ),
    Problem(
        PARTY,
        "民主生活会质量不高",
        (
            M(
                "组织学习民主生活会相关文件精神",
                "王建华", "综合科", "刘芳", "2025年9月底前", DONE, date(2025, 9, 12),
                "9月组织学习了相关文件精神。",
                "学习记录",
            ),
            M(
                "召开巡察整改专题民主生活会",
                "王建华", "综合科", "刘芳", date(2025, 11, 30), DONE, date(2025, 11, 21),
                "11月召开巡察整改专题民主生活会，本次民主生活会严格按照规定流程要求执行。",
                "民主生活会方案、会议记录",
            ),
        ),
    ),
    Problem(
        PARTY,
        "党建工作认识有偏差",
        (
            M(
                "制定党建工作实施方案和清单，组织学习党章",
                "王建华", "机关党支部", "吴静", "2025年9月底前", DONE, date(2025, 9, 8),
                "制定了党建工作实施方案和工作清单，将党章纳入支部主题党日学习计划，已完成党章相关章节的学习。",
                "党建工作实施方案",
            ),
            M(
                "开展支部主题党日学习研讨",
                "陈立新", "机关党支部", "吴静", date(2025, 9, 30), DONE, date(2025, 9, 24),
                "9月开展了支部主题党日活动，党员干部围绕“如何在应急救援、救灾中发挥党员先锋作用”开展学习研讨。",
                "主题党日活动记录",
            ),
            M(
                "严格执行“三会一课”等组织生活制度",
                "陈立新", "机关党支部", "吴静", "长期坚持", ONGOING, None,
                "严格执行“三会一课”、主题党日等组织生活制度，及时记录“三会一课”记录本和党员手册。",
                "“三会一课”记录本、党员手册",
            ),
        ),
    ),
    Problem(
        PARTY,
        "未按规定讲党课",
        (
            M(
                "制定党建工作实施方案和工作清单",
                "王建华", "机关党支部", "吴静", "2025年9月底前", DONE, date(2025, 9, 8),
                "按照区委部署要求制定了党建工作实施方案和工作清单。",
            ),
            M(
                "班子成员按方案要求讲授党课",
                "王建华", "机关党支部", "吴静", "2025年底前", DONE, date(2025, 11, 27),
                "严格落实方案要求，2025年已完成3次党课讲授。",
                "党课讲稿",
            ),
        ),
    ),
    Problem(
        PARTY,
        "干部队伍建设缺乏统筹谋划",
        (
            M(
                "争取上级支持，配齐领导班子",
                "王建华", "综合科", "刘芳", date(2025, 9, 30), DONE, date(2025, 9, 30),
                "积极争取区委区政府和区委组织部支持，已配齐区红十字会领导班子，新任班子成员9月底已到位。",
                "任职文件",
            ),
            M(
                "招录工作人员，补齐空编人员",
                "陈立新", "综合科", "黄磊", "2026年12月底前", IN_PROGRESS, None,
                "通过2025年湖北省公务员招考录入了2名工作人员，目前空编仅1人，"
                "下一步将争取区委编办、区委组织部支持，尽快补齐空编人员。",
                "公务员招录公示",
                "需区委编办、区委组织部支持",
            ),
        ),
    ),
]
# fmt: on

LEDGER_HEADERS = [
    "序号", "问题类别", "问题", "问题具体表现", "整改措施", "责任领导", "责任部门",
    "责任人", "整改时限", "整改状态", "完成时间", "整改进展", "佐证材料", "备注",
]  # fmt: skip
LEDGER_WIDTHS = [6, 10, 18, 16, 24, 8, 11, 7, 13, 9, 11, 50, 16, 14]
PROBLEM_COLUMNS = ("序号", "问题类别", "问题", "问题具体表现")  # merged over a problem's rows
CENTRED_COLUMNS = ("序号", "责任领导", "责任部门", "责任人", "整改时限", "整改状态", "完成时间")
STATUSES = (DONE, IN_PROGRESS, ONGOING, "未启动")
VALIDATED_ROWS = 500  # validations reach this row, so new measures get the dropdowns too

# ---------------------------------------------------------------------------------------------------
# 基本信息: (项目, 内容, 说明)
# ---------------------------------------------------------------------------------------------------

LEADERSHIP = (
    "中共武汉市东西湖区红十字会党组始终坚持以高度的政治自觉和强烈的责任担当推进巡察整改工作，"
    "切实把思想和行动统一到习近平总书记关于巡视巡察工作的重要指示精神上来，严格按照区委巡察整改要求，"
    "以刀刃向内的勇气和自我革命精神从严从实抓好整改落实。"
    "一是提高政治站位，深化整改思想认识。巡察反馈会后，区红十字会第一时间召开专题会议，"
    "深入学习党的二十大关于全面从严治党的战略部署和习近平总书记关于巡察工作的重要论述，"
    "深刻领会巡察整改的政治性、严肃性和紧迫性。"
    "二是强化组织领导，压紧压实整改责任。迅速成立巡察整改工作领导小组，设立整改办公室，统筹推进整改工作。"
    "整改期间，党组严格落实主体责任，召开整改推进会3次，研究部署整改措施，听取整改进展汇报，"
    "对重点难点问题实行定期调度，确保问题整改按节点推进、按标准落实。"
    "三是细化“三单”管理，系统推进整改任务。对照区委巡察组反馈的问题，党组建立“三张清单”台账，"
    "逐一精准制定整改措施，逐项明确责任领导、责任部门、责任人和整改时限，确保问题整改到位。"
)
NEXT_STEPS = "\n".join(
    [
        "一是强化思想认识，压实主体责任。深入学习习近平总书记关于巡视巡察工作的重要指示精神，"
        "坚持将巡察整改作为重大政治任务来抓，进一步明确并压实党组主体责任、主要领导第一责任人责任，"
        "确保思想统一、行动一致，为彻底整改奠定坚实基础。",
        "二是健全工作机制，狠抓措施落地。聚焦需长期坚持的整改任务，实行“清单化管理、项目化推进、动态化销号”。"
        "完善督查督办和考核问责机制，定期调度研判，加强跟踪问效。同时，针对重点难点问题，组建工作专班，"
        "集中攻坚克难，确保各项整改措施不折不扣执行到位，如期实现既定整改目标。",
        "三是坚持标本兼治，深化成果运用。在解决具体问题的同时，深挖根源、举一反三，"
        "着力从制度机制层面堵塞漏洞、补齐短板。加强对整改过程中形成的好经验、好做法的总结提炼，"
        "将其固化为长效机制规范。强化整改成果的综合运用，将整改工作与日常业务、深化改革、队伍建设等紧密结合，"
        "切实做到以整改促发展、提效能，实现治理能力和工作水平的整体提升。",
    ]
)

INFO_HEADERS = ["项目", "内容", "说明"]
INFO_WIDTHS = [16, 72, 46]
INFO_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
INFO: list[tuple[str, str | date, str]] = [
    ("标题", "", "一般不填：程序按“发文机关＋关于＋巡察轮次＋反馈意见整改进展情况的通报”生成标题；填写后以此为准"),
    ("发文机关", "中共武汉市东西湖区红十字会党组", "用于标题、开头和落款，写全称，如“中共××区××党组”"),
    ("巡察轮次", "区委第九轮巡察", "用于标题和开头，如“区委第九轮巡察”，“第”前面的部分（区委）作为巡察主体"),
    ("巡察组", "区委第二巡察组", "用于开头，如“区委第二巡察组”"),
    ("巡察方式", "常规巡察", "用于开头，如“常规巡察”“专项巡察”“机动巡察”“提级巡察”"),
    ("巡察开始日期", date(2025, 4, 16), "巡察组进驻的日期，用于开头“2025年4月16日至6月15日”"),
    ("巡察结束日期", date(2025, 6, 15), "巡察结束的日期；与开始日期同年时，通报中自动省略年份"),
    ("反馈日期", date(2025, 8, 6), "巡察组反馈巡察意见的日期，用于开头“并于……反馈了巡察意见”"),
    ("发文日期", date(2025, 12, 11), "通报落款的日期；不填则按生成通报的当天"),
    ("联系电话", "027-83891093", "接受监督的联系电话，按文本填写"),
    ("邮政地址", "武汉市东西湖区径河街道径西三路33号", "接受监督的邮政地址"),
    ("邮编", "430040", "6位数字，按文本填写"),
    (
        "组织领导情况",
        LEADERSHIP,
        "通报“一、整改工作组织领导情况”的正文；单元格内换行（Alt+Enter）即另起一段",
    ),
    ("阶段性成效", "目前，整改工作取得了阶段性成效。", "接在组织领导情况之后的一句话，单独成段"),
    (
        "下一步工作安排",
        NEXT_STEPS,
        "通报“三、下一步整改工作安排”的正文，每段一般以“一是”“二是”开头，单元格内换行即另起一段；"
        "结尾“欢迎广大干部群众……监督”一段由程序根据联系电话、邮政地址、邮编生成，不用填写",
    ),
]
TEXT_KEYS = ("联系电话", "邮编")  # kept as text: a number would lose its form

# ---------------------------------------------------------------------------------------------------
# 填表说明: (kind, label, text); kind is "title", "section" or "item" (label may be empty).
# ---------------------------------------------------------------------------------------------------

GUIDE_WIDTHS = [16, 96]
GUIDE: list[tuple[str, str, str]] = [
    ("title", "巡察整改台账填表说明", ""),
    ("item", "", "本工作簿已填入一份示例（区红十字会巡察整改），使用时把示例内容替换为本单位的内容即可。"),
    ("section", "一、本工作簿的三张表", ""),
    ("item", "填表说明", "即本表，说明各表各列怎么填，不参与生成通报。"),
    (
        "item",
        "基本信息",
        "通报的标题、开头、“一、整改工作组织领导情况”、“三、下一步整改工作安排”、结尾的联系方式和落款所需的信息。"
        "每项一行，在“内容”列填写，“说明”列是填写提示。",
    ),
    (
        "item",
        "整改台账",
        "巡察反馈的问题和整改措施，一条整改措施占一行。通报“二、整改任务落实完成情况”由此表生成。",
    ),
    (
        "item",
        "",
        "请不要修改表名和各表第一行的表头，不要在表中插入“（一）……方面”之类的标题行（问题类别填在“问题类别”列）。",
    ),
    ("section", "二、“整改台账”各列的填法", ""),
    (
        "item",
        "序号",
        "问题的序号（1、2、3……）。同一问题的几条措施共用一个序号：可以把这几行的单元格合并，"
        "也可以只在第一行填写、其余行留空。",
    ),
    ("item", "问题类别", "问题所属方面，如“政治建设方面”。同一问题只在第一行填写或合并单元格。"),
    (
        "item",
        "问题",
        "巡察反馈的问题，只写问题本身，如“第一议题制度落实不严格”；“关于”和“的问题”由程序加上，"
        "问题中的双引号在通报中自动改为单引号。同一问题只在第一行填写或合并单元格。",
    ),
    ("item", "问题具体表现", "可不填。填写后在通报中紧接在“关于……的问题。”之后。"),
    ("item", "整改措施", "这条措施的简要内容，供台账管理使用，不写入通报。"),
    (
        "item",
        "责任领导\n责任部门\n责任人",
        "每条措施都必须有。同一问题的几条措施责任相同时可以合并单元格，但不能留空。",
    ),
    (
        "item",
        "整改时限",
        "可填日期：2025-09-30、2025/9/30、2025.9.30、2025年9月30日，或日期格式的单元格；"
        "也可填“2025年9月底前”“2025年底前”“立行立改”“长期坚持”（或“持续整改”），"
        "以及“2025年底前，并长期坚持”“立行立改，长期坚持”这样的组合。",
    ),
    (
        "item",
        "整改状态",
        "填“已完成”“正在推进”“长期坚持”“未启动”之一，可从下拉列表选择。也可填同义词："
        "已整改、已整改到位、完成整改、已销号、已办结（按已完成）；推进中、正在整改、整改中、基本完成、部分完成"
        "（按正在推进）；持续整改、需长期坚持（按长期坚持）；未开始、未整改（按未启动）。",
    ),
    (
        "item",
        "完成时间",
        "整改状态为“已完成”的填实际完成的日期，其他状态留空。完成时间不能晚于统计日期；"
        "晚于整改时限的会提示“逾期完成”，如实填写即可。",
    ),
    (
        "item",
        "整改进展",
        "这条措施的整改落实情况，通报中“整改情况：”后面的文字就取自这一列，请按通报的口径写成一段话。"
        "不用写“一是”“二是”，程序按措施的先后顺序自动加上；一个问题只有一条措施时不加“一是”。"
        "句末没有句号的自动补上。",
    ),
    ("item", "佐证材料", "会议纪要、学习台账、照片等佐证材料的名称或存放位置，不写入通报。"),
    ("item", "备注", "其他需要说明的情况，不写入通报。"),
    ("section", "三、“基本信息”的填法", ""),
    ("item", "", "在“内容”列填写，每项的要求见“说明”列。日期填日期格式（如2025-04-16）或“2025年4月16日”。"),
    ("item", "", "“发文日期”不填时，按生成通报的当天落款。“标题”一般不填，程序自动生成。"),
    (
        "item",
        "",
        "“组织领导情况”“阶段性成效”“下一步工作安排”等大段文字，单元格内换行（Alt+Enter）即另起一段。",
    ),
    ("section", "四、几条规则", ""),
    ("item", "1.", "一条整改措施占一行；同一问题的各行连续排列，共用一个序号，问题各列可合并或只填第一行。"),
    (
        "item",
        "2.",
        "责任领导、责任部门、责任人、整改时限、整改状态可以跨几条措施合并单元格，合并后视为每条措施都填了同样的内容；"
        "但不能留空。",
    ),
    (
        "item",
        "3.",
        "整改状态为“未启动”的措施不写入通报；一个问题的措施全部未启动的，这个问题不写入通报，其余问题依次编号。",
    ),
    (
        "item",
        "4.",
        "整改完成率只把整改状态为“已完成”（或其同义词）的计为完成：措施完成率＝已完成的措施数÷措施总数；"
        "一个问题的措施全部已完成，这个问题才算完成。“正在推进”“基本完成”“长期坚持”都不算已完成。",
    ),
    ("section", "五、生成通报", ""),
    (
        "item",
        "",
        "填好后保存并关闭本文件，运行“生成通报”（或在命令行运行 python generate.py 台账文件名.xlsx），"
        "生成的通报（Word文档）和汇总表输出在 output 文件夹。程序发现的问题（如责任人未填、完成时间晚于统计日期）"
        "列在屏幕上和汇总表的“检查结果”中，注明第几行、哪一列，按提示修改后重新运行即可。",
    ),
]

# ---------------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------------

FONT = "宋体"
BODY_FONT = Font(name=FONT, size=10)
BOLD_FONT = Font(name=FONT, size=10, bold=True)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
SECTION_FONT = Font(name="黑体", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 13.5  # points per line of 10 pt text
GUIDE_LINE_HEIGHT = 15  # points per line of 11 pt text
LEDGER_DATE_FORMAT = "yyyy-mm-dd"
DEADLINE_PROMPT = (
    "可填日期（2025-09-30、2025年9月30日），也可填“2025年9月底前”“2025年底前”"
    "“立行立改”“长期坚持”“2025年底前，并长期坚持”。"
)


def set_widths(ws: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_header(ws: Worksheet, headers: list[str]) -> None:
    for index, name in enumerate(headers, 1):
        cell = ws.cell(row=1, column=index, value=name)
        cell.font = BOLD_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = GRID
    ws.freeze_panes = "A2"


def style_body_cell(ws: Worksheet, row: int, column: int, centred: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    cell.font = BODY_FONT
    cell.border = GRID
    cell.alignment = TOP_CENTRE if centred else TOP_WRAP
    if isinstance(cell.value, date):
        cell.number_format = LEDGER_DATE_FORMAT


def text_lines(text: str, width: float, cjk_units: float = 1.9) -> int:
    """Lines a wrapped text takes in a column of Excel width units (one unit: a digit of the default font).

    A CJK character of 10 pt 宋体 is about 1.9 units in Excel (11 pt: 2.1); other characters count one.
    """
    usable = max(width - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        units = sum(cjk_units if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in paragraph)
        lines += max(1, math.ceil(units / usable))
    return lines


def fit_row_heights(ws: Worksheet, first_row: int, points_per_line: float, cjk_units: float = 1.9) -> None:
    """Explicit heights for wrapped rows: LibreOffice and WPS keep the default height otherwise.

    Cells merged over several rows are left out; their text fits in the rows' combined height.
    """
    tall = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges if r.max_row > r.min_row}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell, MergedCell) or cell.value is None or (cell.row, cell.column) in tall:
                continue
            if not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = ws.column_dimensions[cell.column_letter].width
            lines = max(lines, text_lines(str(cell.value), width, cjk_units))
        ws.row_dimensions[row[0].row].height = round(lines * points_per_line + 4, 1)


def set_print(ws: Worksheet, landscape: bool, title_rows: str | None = "1:1") -> None:
    """A4, fitted to the page width, header row repeated on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def ledger_rows(problem: Problem, number: int) -> list[list[object]]:
    """The problem's ledger rows: problem columns filled on the first row only."""
    rows = []
    for index, m in enumerate(problem.measures):
        head = [number, problem.category, problem.title, problem.detail or None] if index == 0 else [None] * 4
        rows.append(
            head
            + [m.measure, m.leader, m.department, m.person, m.deadline, m.status, m.completed]
            + [m.progress, m.evidence or None, m.remark or None]
        )
    return rows


def merge_problem(ws: Worksheet, problem: Problem, first: int) -> None:
    """Merge the problem columns, and 责任领导 when one leader owns every measure."""
    last = first + len(problem.measures) - 1
    if last == first:
        return
    columns = [LEDGER_HEADERS.index(name) + 1 for name in PROBLEM_COLUMNS]
    if len({m.leader for m in problem.measures}) == 1:
        columns.append(LEDGER_HEADERS.index("责任领导") + 1)
    for column in columns:
        ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def write_ledger(ws: Worksheet) -> None:
    write_header(ws, LEDGER_HEADERS)
    set_widths(ws, LEDGER_WIDTHS)
    centred = {LEDGER_HEADERS.index(name) + 1 for name in CENTRED_COLUMNS}
    row = 2
    for number, problem in enumerate(PROBLEMS, 1):
        first = row
        for values in ledger_rows(problem, number):
            for column, value in enumerate(values, 1):
                ws.cell(row=row, column=column, value=value)
                style_body_cell(ws, row, column, column in centred)
            row += 1
        merge_problem(ws, problem, first)
    fit_row_heights(ws, 2, LINE_HEIGHT)
    last_column = get_column_letter(len(LEDGER_HEADERS))
    ws.auto_filter.ref = f"A1:{last_column}{row - 1}"
    add_ledger_validations(ws)
    set_print(ws, landscape=True)


def column_range(name: str) -> str:
    letter = get_column_letter(LEDGER_HEADERS.index(name) + 1)
    return f"{letter}2:{letter}{VALIDATED_ROWS}"


def add_ledger_validations(ws: Worksheet) -> None:
    """Dropdown for 整改状态, date hints for 整改时限/完成时间; all let other text through."""
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="整改状态",
        error="建议从下拉列表中选择。“已整改”“推进中”等同义词也可以使用，点“是”保留。",
        showInputMessage=True,
        promptTitle="整改状态",
        prompt="从下拉列表选择：已完成、正在推进、长期坚持、未启动。",
    )
    deadline = date_validation(
        "整改时限",
        DEADLINE_PROMPT,
        "information",
        "整改时限也可以填文字，如“立行立改”“2025年底前”，点“确定”保留。",
    )
    completed = date_validation(
        "完成时间",
        "已完成的措施填实际完成的日期，如2025-09-30；其他状态留空。",
        "warning",
        "完成时间应为日期，如2025-09-30或2025年9月30日。",
    )
    for validation, column in ((status, "整改状态"), (deadline, "整改时限"), (completed, "完成时间")):
        validation.add(column_range(column))
        ws.add_data_validation(validation)


def date_validation(title: str, prompt: str, style: str, error: str) -> DataValidation:
    return DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01 as an Excel serial number
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle=title,
        error=error,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def write_info(ws: Worksheet) -> None:
    write_header(ws, INFO_HEADERS)
    set_widths(ws, INFO_WIDTHS)
    for row, (key, value, note) in enumerate(INFO, 2):
        cells = (
            ws.cell(row=row, column=1, value=key),
            ws.cell(row=row, column=2, value=value if value != "" else None),
            ws.cell(row=row, column=3, value=note),
        )
        for cell in cells:
            cell.font = BODY_FONT
            cell.border = GRID
            cell.alignment = TOP_WRAP
        cells[0].font = BOLD_FONT
        if isinstance(value, date):
            cells[1].number_format = INFO_DATE_FORMAT
            cells[1].alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        elif key in TEXT_KEYS:
            cells[1].number_format = "@"
    fit_row_heights(ws, 2, LINE_HEIGHT)
    set_print(ws, landscape=False)


def write_guide(ws: Worksheet) -> None:
    set_widths(ws, GUIDE_WIDTHS)
    for row, (kind, label, text) in enumerate(GUIDE, 1):
        left = ws.cell(row=row, column=1, value=label or None)
        right = ws.cell(row=row, column=2, value=text or None)
        if kind == "title":
            left.font = TITLE_FONT
        elif kind == "section":
            left.font = SECTION_FONT
        else:
            left.font = Font(name=FONT, size=11, bold=True)
            left.alignment = TOP_WRAP
            right.font = Font(name=FONT, size=11)
            right.alignment = TOP_WRAP
    fit_row_heights(ws, 2, GUIDE_LINE_HEIGHT, cjk_units=2.1)
    set_print(ws, landscape=False, title_rows=None)


def build_workbook() -> Workbook:
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    write_guide(guide)
    write_info(wb.create_sheet(INFO_SHEET))
    ledger = wb.create_sheet(LEDGER_SHEET)
    write_ledger(ledger)
    wb.active = ledger
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is ledger
    wb.properties.creator = "rectification"
    wb.properties.lastModifiedBy = "rectification"
    wb.properties.title = "巡察整改台账"
    wb.properties.created = BUILD_TIME
    wb.properties.modified = BUILD_TIME
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx as bytes, with fixed document and zip timestamps (openpyxl's save() stamps the time)."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=BUILD_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return fixed.getvalue()


def write_template(out: Path = DEFAULT_OUT) -> Path:
    out = Path(out)
    out.write_bytes(workbook_bytes(build_workbook()))
    return out


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("用法：python tools/build_workbook_template.py [输出文件]", file=sys.stderr)
        return 2
    out = write_template(Path(argv[0]) if argv else DEFAULT_OUT)
    measures = sum(len(p.measures) for p in PROBLEMS)
    print(f"已生成 {out}（{len(PROBLEMS)} 个问题，{measures} 条整改措施）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
