"""Does the standard rubric judge the way a senior reception officer would?

Eight petitioner openings from different categories, each answered by graded replies written
for this test (not taken from the rubric's golden replies): excellent (listens, stays fair,
speaks well and moves the matter on), plain-correct (polite and procedurally right, no warmth)
and faulty (a serious fault: pushing away, taking sides, promising beyond authority, provoking,
a wrong route). At a turn that expects the credits the situation calls for, every excellent reply
must outscore every plain one, and every plain one every faulty one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.engine.play.scoring import score_reply

RUBRIC = Path(__file__).parents[2] / "rubrics" / "standard.yaml"


@dataclass(frozen=True)
class Turn:
    """The part of a scenario node the scorer reads."""

    expects: tuple[str, ...]
    model_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    category: str
    opening: str
    turn: Turn
    excellent: tuple[str, ...]
    plain: tuple[str, ...]
    faulty: tuple[str, ...]


CASES = (
    Case(
        category="欠薪",
        opening="我在工地干了十个月，老板一分钱没给，跑了好几个地方都说不归他们管！",
        turn=Turn(("empathy", "ask_facts", "polite", "explain_route", "next_step", "labor_route")),
        excellent=(
            "师傅，您先别着急，干了十个月拿不到钱，又被推来推去，换谁都窝火。请问是哪个工地、哪家公司承包的？"
            "这事我们管：登记后转交县人社局劳动保障监察大队，您也可以同时申请劳动仲裁，15日内我们书面告知您受理情况。",
            "大哥，辛辛苦苦十个月没拿到工钱，心里肯定着急，我理解。老板叫什么、一共欠多少、有没有记工本？"
            "欠薪归劳动保障监察管，我把材料转过去，一周内给您打电话说进展。",
        ),
        plain=(
            "您好，欠薪的事属于劳动保障监察的职责，请您到人社局投诉，也可以申请劳动仲裁。",
            "请您留个电话，我们登记后转交人社部门处理，15日内书面告知您。",
        ),
        faulty=(
            "不归我们管，你去找老板要。",
            "你问我我问谁？我又不是你老板。",
            "放心，包在我身上，明天就让老板把钱打给你。",
        ),
    ),
    Case(
        category="征地补偿",
        opening="我家三亩地被征了，补偿款一直没到位，村里说钱早发了，我一分没见着！",
        turn=Turn(("empathy", "verify_facts", "record_details", "explain_honestly", "next_step")),
        excellent=(
            "大姐，您先别急，地没了钱也没见着，心里肯定憋屈。您把征地协议和银行流水给我们留一份复印件，"
            "我们登记后向乡政府和村委会核实补偿款发放记录。说实话，钱卡在哪儿现在我不能下结论，但一周内我给您打电话说核实结果。",
            "阿姨，这么大年纪为这事跑来跑去，确实不容易。麻烦您留个电话，补偿款的发放名册我们会向乡里调取，"
            "村里和您两边的说法都要听。查清之前我不能打包票，但15日内会书面告知您是否受理。",
        ),
        plain=(
            "请您留下姓名电话和征地协议复印件，我们登记后转乡政府核实。",
            "您好，补偿款的事我们会向有关部门核实，请留个联系方式。",
        ),
        faulty=(
            "村里说发了就是发了，肯定是你自己忘了。",
            "钱肯定让村干部贪了，这种人就是黑心。",
            "这事你去找村里，别来这儿。",
        ),
    ),
    Case(
        category="拆迁",
        opening="我家房子还没谈好就被强拆了，东西都埋在里面，你们管不管？",
        turn=Turn(("empathy", "verify_facts", "law_basis", "explain_route", "time_limit")),
        excellent=(
            "大爷，房子没谈好就被拆了，东西还埋在里面，换谁都急。按照《国有土地上房屋征收与补偿条例》，实施征收应当先补偿、后搬迁，"
            "您说的情况我们会向征收部门核实。对补偿决定不服，可以依法申请行政复议或提起行政诉讼；今天登记后，15日内书面告知您是否受理。",
            "您先坐下喝口水，家没了心里肯定不好受，我理解。这事要依法处理：我们会到现场看看，再向住建部门调取拆迁手续；"
            "您也可以申请行政复议。受理后60日内办结，有进展我主动联系您。",
        ),
        plain=(
            "您好，请您把相关材料留下，我们按程序转交住建部门处理，15日内书面告知您。",
            "这个属于征收补偿问题，可以依法申请行政复议，请您留个电话。",
        ),
        faulty=(
            "拆都拆了，现在说这些没用。",
            "政府拆你房子肯定有政府的道理，你就认了吧。",
            "放心，我给你做主，下周就让他们把钱赔给你。",
        ),
    ),
    Case(
        category="涉法涉诉",
        opening="法院判得不公平，我要你们信访局给我改判！",
        turn=Turn(("empathy", "explain_honestly", "litigation_route", "explain_route", "polite")),
        excellent=(
            "大哥，官司输了心里肯定窝火，我理解。说句实话，信访不能改变法院的判决，但您还有路可走：判决没生效的可以上诉，"
            "已经生效的可以向法院申请再审，也可以向检察院申请监督；请不起律师还可以申请法律援助。",
            "您别急，对判决不服，换谁都不甘心。按照诉访分离的规定，涉诉问题要走法律程序，我们无权改判；"
            "我帮您把申请再审的流程写下来，您先到县法院立案庭咨询。",
        ),
        plain=(
            "您好，对判决不服可以依法上诉或者申请再审，信访部门无权改判。",
            "请您向法院申请再审，这属于司法程序。",
        ),
        faulty=(
            "行，我们信访局帮你找法院改判。",
            "法院判的肯定没错，你别瞎闹了。",
            "法官肯定收了对方的好处，这种事多了去了。",
        ),
    ),
    Case(
        category="邻里纠纷",
        opening="隔壁盖房子占了我家两尺宅基地，说了也不听，我要他马上拆！",
        turn=Turn(("empathy", "ask_facts", "verify_facts", "mediation_route", "polite")),
        excellent=(
            "大娘，您别着急，邻居占了地，说了还不听，心里肯定有气。请问占的是哪一边？之前有没有宅基地证？"
            "我们会到现场看看，也听听隔壁怎么说，再请村委会出面调解，双方都同意的话签个调解协议。",
            "阿姨，几十年的邻居闹成这样，确实让人窝火。您先说说，他家是什么时候开始盖的？有没有量过？"
            "这种事司法所可以组织两家坐下来谈，我们也会实地核实情况。",
        ),
        plain=(
            "您好，宅基地纠纷可以先向村委会申请调解，调解不成再去法院起诉。",
            "请您留个电话，我们联系司法所安排调解。",
        ),
        faulty=(
            "邻居之间的事你们自己商量去，别来烦我。",
            "当然该拆，他家这是欺负人。",
            "放心，我让村里明天就把他家墙拆了。",
        ),
    ),
    Case(
        category="集体访",
        opening="我们村三十多个人都在门口，修路占地的钱没给，今天不给个说法就不走了！",
        turn=Turn(("empathy", "polite", "representatives", "notice_warning", "safety_first")),
        excellent=(
            "大叔，大家的心情我理解，补偿款拖着谁都着急。门口人多容易出事，安全最要紧，请乡亲们先到休息区坐下喝口水。"
            "这么多人不好谈，请大家推选不超过5名代表进接待室，一条条说清楚。除了今天来的，还有多少户也没拿到钱？",
            "各位乡亲，辛苦了，大冷天站在外面确实不容易。按规定，多人反映同一件事要推选代表，代表不超过五个人，"
            "其余的同志先到里面坐会儿。大家接下来是怎么打算的？这事我马上向领导报告。",
        ),
        plain=(
            "请大家推选5名代表进来谈，其余人在外面等候。",
            "你们人太多了，请派五个代表到接待室。",
        ),
        faulty=(
            "你们这么多人堵在门口是违法的，再闹就叫警察。",
            "都进来吧，人多了领导才重视。",
            "派十个代表过来，其他人回家等消息。",
        ),
    ),
    Case(
        category="环境污染",
        opening="化工厂天天半夜排废水，河里的鱼都死了，孩子闻了那味道就咳嗽！",
        turn=Turn(("empathy", "ask_facts", "verify_facts", "explain_route", "next_step")),
        excellent=(
            "孩子一闻就咳嗽，您心里肯定着急。请问一般是几点排？有没有拍到视频或者留了水样？环境污染由生态环境局负责查处，"
            "我们登记后转过去，请他们夜间去现场取样核实，一周内我给您回个电话说进展；晚上再排，您也可以直接拨打12369。",
            "大姐，您先别急，河里鱼都死了，搁谁都揪心。排污口在哪个位置、持续多久了？我们会联系生态环境部门实地调查，"
            "15日内书面告知您受理情况，有结果第一时间告诉您。",
        ),
        plain=(
            "您好，污染问题请拨打12369向生态环境局举报。",
            "请留下您的联系方式，我们把情况转交环保部门处理。",
        ),
        faulty=(
            "化工厂都有环评手续，不会乱排的，你别瞎说。",
            "鱼死了可能是天热，不一定是污染，你回去吧。",
            "这个不归我们管，你找环保局去。",
        ),
    ),
    Case(
        category="低保",
        opening="我的低保突然被停了，一个月就靠这几百块买药，现在药都断了！",
        turn=Turn(("empathy", "ask_facts", "explain_honestly", "explain_route", "next_step")),
        excellent=(
            "大爷，低保一停药都断了，您心里肯定慌，我理解。请问是哪个月停的？街道有没有给您书面通知、说了什么原因？"
            "我们会向街道和民政部门核实停保的依据，如果核对有误可以申请重新审核。说实话，能不能恢复要看核实结果，但一周内我给您回个电话。",
            "阿姨，您先坐下喝口水，药断了心里肯定慌。停保通知您带来了吗？低保由民政部门审核，您可以申请复核，"
            "能不能恢复我现在不能打包票；我们今天登记后转给民政局，15日内书面告知您，看病困难的话还可以申请临时救助。",
        ),
        plain=(
            "您好，低保的事归民政局管，您可以向街道申请复核。",
            "请您留下联系方式，我们转交民政部门核实后答复您。",
        ),
        faulty=(
            "街道停你的低保，肯定有原因。",
            "您放心，我跟民政局打个招呼，下个月就给您恢复。",
            "不知道，你去问街道吧。",
        ),
    ),
)


@pytest.fixture(scope="module")
def rubric(standard_scorer):
    return standard_scorer


def _totals(rubric, turn: Turn, replies: tuple[str, ...]) -> dict[str, int]:
    return {reply: score_reply(reply, rubric, turn).total for reply in replies}


def _show(totals: dict[str, int]) -> str:
    return "\n".join(f"  {total:3}  {reply}" for reply, total in totals.items())


def test_cases_cover_eight_categories_with_graded_replies():
    assert len({case.category for case in CASES}) >= 8
    for case in CASES:
        assert len(case.excellent) >= 2 and len(case.plain) >= 2 and len(case.faulty) >= 2, case.category


@pytest.mark.parametrize("case", CASES, ids=[case.category for case in CASES])
def test_excellent_beats_plain_beats_faulty(rubric, case: Case):
    excellent = _totals(rubric, case.turn, case.excellent)
    plain = _totals(rubric, case.turn, case.plain)
    faulty = _totals(rubric, case.turn, case.faulty)
    report = f"{case.opening}\n优秀:\n{_show(excellent)}\n平实:\n{_show(plain)}\n有错:\n{_show(faulty)}"
    assert min(excellent.values()) > max(plain.values()), report
    assert min(plain.values()) > max(faulty.values()), report


@pytest.mark.parametrize("case", CASES, ids=[case.category for case in CASES])
def test_faulty_replies_are_flagged_and_excellent_ones_are_not(rubric, case: Case):
    for reply in case.faulty:
        assert score_reply(reply, rubric, case.turn).flags, f"有错的回复没有触发扣分项：{reply}"
    for reply in case.excellent:
        flags = [f.criterion for f in score_reply(reply, rubric, case.turn).flags]
        assert not flags, f"优秀回复被扣分 {flags}：{reply}"


# Known errors of the learned judge (corpus e9c3cd04740cc1b0): in a long reply it misses verification
# said in plain words. (The 拆迁 reply, missed by the weights of corpus 04a0a46d2dde0038, is credited now.)
MISSES_VERIFICATION = {
    "环境污染": "known judge error: 「我们会联系生态环境部门实地调查」 not credited as verify_facts",
}


@pytest.mark.parametrize("case", [
    pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=MISSES_VERIFICATION[case.category]))
    if case.category in MISSES_VERIFICATION else case for case in CASES], ids=[case.category for case in CASES])
def test_excellent_replies_earn_most_of_what_the_turn_expects(rubric, case: Case):
    for reply in case.excellent:
        score = score_reply(reply, rubric, case.turn)
        missed = [r.criterion for r in score.missed]
        assert len(missed) <= 1, f"优秀回复漏掉了 {missed}：{reply}"
        assert score.total >= 75, f"优秀回复总分只有 {score.total}：{reply}"
