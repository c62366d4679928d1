"""The scenario skeleton `simulator new scenario` writes (a string.Template; `$$` is a dollar sign).

It is a complete small scenario that validates clean against the standard rubric and whose path
tests pass and cover every branch, so an instructor starts from something that works and changes
it one step at a time. Every field carries a Chinese comment.
"""

SCENARIO_TEMPLATE = """\
# yaml-language-server: $$schema=${schema}
# ======================================================================
# 场景骨架：由「simulator new scenario ${id}」生成。
# 这是一个完整的小场景，已能通过校验和测试：来访人为一件拖了很久的事第二次来访。
# 把标有 TODO 的内容改成你的故事；每改一步，都运行一遍：
#   simulator validate ${path} --strict   检查格式、分支和引用（定位到行列）
#   simulator test ${path}                运行文末的路径测试
#   simulator coverage ${id}              看哪些节点、分支、结局还没有测试走到
#   simulator play ${id}                  亲自演练（--mode choice 为初学模式）
# 每个字段的详细说明见 docs/authoring.md。
# ======================================================================

# 格式版本：目前只能是 1。
schema_version: 1
# 场景编号：小写字母开头，只用小写字母、数字、下划线；与文件名保持一致。
id: ${id}
# 场景标题：学员在场景列表里看到的名字。TODO
title: ${title}
# 类别：按类别浏览时的分组，如 收入分配、拆迁征收、土地、就业、社会保障、涉法涉诉、邻里纠纷。
category: ${category}
# 难度：1 入门、2 一般、3 困难。
difficulty: 1
# 一句话说明本场景训练什么（显示在场景列表和讲评里）。TODO
summary: 接待一位第二次来访、情绪焦虑的群众：先接住情绪，再问清事实、登记，讲清渠道、时限和回音方式。
# 评分标准：rubrics/ 下的编号（standard 为标准评分），或相对本文件的路径，如 ../rubrics/my_rubric.yaml。
rubric: standard
# 接待地点（可省略）：来访人扬言“上市里找去”时，检查据此判断那是不是更高一级。
office: 县信访局

# 来访人：学员看到的是姓名和台词；背景与性情写给作者和讲评用。
persona:
  # 姓名或称呼。TODO
  name: 王秀兰
  # 性别：男 或 女（可省略）。
  gender: 女
  # 年龄：0-120。
  age: 52
  # 背景：身份、诉求的由来、此前找过谁。TODO
  background: 城郊居民，三个月前向有关单位反映一件与自家切身利益有关的事，一直没有答复，这是第二次来访。
  # 性情：angry 急躁 / anxious 焦虑 / talkative 健谈 / taciturn 寡言 / rambling 絮叨 / deferential 过分客气 / calm 平和。
  temperament: anxious

# 状态变量：每个都要声明类型（int 或 bool）、中文名 label 和初始值 initial；
# int 变量还要有 min 与 max，运行时的值会被截断在这个范围内。
# 约定用 anger（愤怒）、trust（信任）、risk（升级风险）三个整数，界面把它们画成仪表。
# 评分标准里的评分项自带通用效果（如共情使愤怒下降），场景声明了同名变量才生效。
state:
  anger: {type: int, label: 愤怒, min: 0, max: 100, initial: 60}
  trust: {type: int, label: 信任, min: 0, max: 100, initial: 20}
  risk: {type: int, label: 升级风险, min: 0, max: 100, initial: 30}
  # 布尔变量示例：在 effects 里用 set 赋值，在 when 里直接当条件用。
  registered: {type: bool, label: 已登记, initial: false}

# 事实：场景依据的法条和数字，在用到它的节点里用 cites 引用（详见 docs/authoring.md 第七节）。
#   法条：law 法规名称（须收录在 references/laws/），article 条号（可加款），quote 该条原文中的一句，一字不差；
#         criteria 以它为依据的评分项：讲评时，这些评分项的反馈旁会显示这句原文。
#   数字：says 文中的说法（「三个月」「六万三」「两百多户」），可加 also 其他说法、value 精确值，
#         sum 加数或 product 乘数（数字或其他数字事实的编号），检查会核算，也会找出前后说法不一的地方。
# 示范回答、提示、讲解里说到《法规》、第X条或「15日内」这样的时限，所在节点的 cites 就要有一条说到它的事实。
facts:
  transfer_in_15_days:
    # what：这条事实是什么，写给作者和讲评。
    what: 信访部门登记后 15 日内转送有权处理的机关
    law: 信访工作条例
    article: 第二十二条
    quote: 应当予以登记，并区分情况，在15日内分别按照下列方式处理
    criteria: [time_limit, wrong_time_limit]
  answer_in_15_days:
    what: 收到转送的机关 15 日内书面告知是否受理（从来访算起，前后最长约一个月）
    law: 信访工作条例
    article: 第二十三条第三款
    quote: 应当自收到之日起15日内书面告知信访人接收情况以及处理途径和程序
    criteria: [time_limit, wrong_time_limit]
  months_waiting:
    what: 上次反映到今天的时间
    says: 三个月

# 起始节点：对话从哪个节点开始。
start: opening

# 节点：编号 → 内容。编号规则同场景编号。有 ending 的是结局节点，其余是对话节点。
# 对话节点的每一轮：来访人说 say → 学员回复 → 按 expects 评分 → 执行 effects → 按 next 跳转。
nodes:
  opening:
    # 来访人的话（Jinja2 模板，可写 {{ persona.name }}、{{ anger }} 等）。TODO
    say: |
      （攥着一沓材料，声音发颤）同志，我这是第二次来了。三个月前我就反映过，到现在一点消息都没有，
      我天天睡不着觉，你们到底有没有人管啊？
    # 本轮期望的评分项：评分标准中加分项的编号（见 docs/rubric.md）。没做到的会在讲评中提示。
    expects: [empathy, invite_more, polite]
    # 本轮的要点或预警信号：提示和讲评时显示。
    cue: 第二次来访、三个月没有回音：来访人最怕又被敷衍。
    # 提示：练习模式下学员求助时看到的话（使用提示会记录在案）。
    hint: 先回应她的焦虑和委屈，请她坐下慢慢说，别急着讲程序。
    # 示范回答：讲评时展示；评分标准的 similar 检查会与之比较。至少写一条。
    model_answers:
      - 阿姨您先别着急，请坐下喝口水。三个月没有消息，又跑了第二趟，换谁心里都着急。您慢慢说，我听着。
    # 初学模式（--mode choice）的选项：text 选项文字；恰有一个 best: true（最佳选项）；note 是选后讲解。
    options:
      - text: 阿姨您先别着急，请坐下喝口水。三个月没消息，换谁都着急。您慢慢说，我听着。
        best: true
        note: 先接住情绪，再请她把事情说完，这是倾听的起点。
      - text: 你先冷静一下，吵解决不了问题。
        note: 典型错误：居高临下地“要求冷静”，只会火上浇油。
      - text: 这事不归我们管，你去找原来的单位。
        note: 典型错误：还没听完就往外推，正是她最怕遇到的推诿。
    # 本轮对状态的影响：自上而下执行；when 省略表示总是执行。
    #   change：整数变量的增减量；set：变量 → 新值表达式；because：显示给学员的原因。
    #   passed('编号') 表示学员在该评分项上做对了（加分项触发，或扣分项没有触发），failed 相反。
    effects:
      - when: failed('dismissive') or failed('impatient')
        change: {anger: 30, risk: 10}
        because: 推诿或不耐烦，来访人更急了
    # 分支：自上而下取第一个 when 成立的，跳到它的 goto（目标节点编号）；最后一个分支必须不写 when（兜底）。
    # when 里可用：状态变量、passed()、failed()、score('listening')、total、turn。
    next:
      - when: anger >= 90
        goto: end_escalated
      - when: passed('empathy')
        goto: facts
      - goto: opening_again

  opening_again:
    say: 你别光跟我要材料，我就想知道，我反映的事到底有没有人在办？
    expects: [empathy, polite]
    hint: 她觉得你没在听。先认可她的委屈，再表示会认真帮她弄清楚。
    model_answers:
      - 阿姨，您的心情我理解，等了三个月没有回音，确实让人着急。您放心，这事我们认真对待，您先跟我说说具体情况。
    options:
      - text: 阿姨，您的心情我理解，等了三个月确实着急。这事我们认真对待，您跟我说说具体情况。
        best: true
        note: 先认可委屈，再明确表态，来访人才愿意往下说。
      - text: 规定就是这样，你按程序等着吧。
        note: 典型错误：打官腔，没有回应情绪。
    effects:
      - when: failed('dismissive') or failed('impatient')
        change: {anger: 30, risk: 10}
        because: 推诿或不耐烦，来访人更急了
    next:
      - when: anger >= 90
        goto: end_escalated
      - when: passed('empathy')
        goto: facts
      - goto: end_dissatisfied

  facts:
    say: |
      （坐下，把材料摊开）三个月前我交过一份材料，当时的工作人员说等通知，
      后来打电话也没人说得清。这事关系到我们一家的生活，我实在等不起了。
    expects: [restate, ask_facts, record_details]
    hint: 复述关键事实（什么时候、交给了谁、结果如何），问清细节，并登记姓名、联系方式和材料。
    model_answers:
      - 阿姨，我跟您核对一下：您三个月前交过材料，工作人员说等通知，之后一直没有答复，是这样吧？请问当时是交给哪个单位的？有没有回执？麻烦您留一下姓名和联系电话，我把您反映的情况登记下来。
    options:
      - text: 我核对一下：您三个月前交了材料，一直没有答复，对吧？当时交给哪个单位的？麻烦留一下姓名和电话，我登记下来。
        best: true
        note: 复述让她知道你听进去了，再问清细节、登记信息。
      - text: 那你当时怎么不问清楚？
        note: 典型错误：指责来访人。
    effects:
      - when: passed('record_details')
        set: {registered: true}
        change: {trust: 10}
        because: 登记了来访人的信息
    next:
      - goto: route

  route:
    say: 那你说，这事到底该找谁？会不会又是等通知，等到猴年马月？
    expects: [explain_route, time_limit, verify_facts]
    # 本节点的文字所依据的事实（facts 中的编号）；结局节点也可以写。
    cites: [transfer_in_15_days, answer_in_15_days]
    hint: 讲清渠道和程序：我们多长时间内转交有权处理的单位、对方多长时间内告知是否受理，并表示会核实情况。
    model_answers:
      - 阿姨，您今天在我们这儿登记后，我们15日内按程序转交有权处理的部门，并向原来的单位核实情况；他们收到后15日内书面告诉您是否受理，不会让您干等。
    options:
      - text: 您登记后，我们15日内按程序转交有权处理的部门，也会向原单位核实情况；他们收到后15日内书面告知您是否受理。
        best: true
        note: 渠道清楚、时限准确，还表示会核实。
      - text: 放心，包在我身上，明天就给你办好。
        note: 严重错误：超越职权的承诺。
    next:
      - goto: follow_up

  follow_up:
    say: 你们这次可别又没了下文。我留个电话给你，你们到时候真会打给我吗？
    expects: [next_step, explain_honestly, empathy]
    hint: 给出具体的下一步和回音方式（谁、什么时候、怎么联系），也诚实说明哪些能做到、哪些做不到。
    model_answers:
      - 阿姨，您的难处我理解。我跟您说实在的：最后怎么处理要由有权处理的部门依法决定，我不能替他们打包票，但我们会跟着办。今天登记后我把转办单号给您，一周内我会打电话告诉您进展，您也可以随时打这个电话问我。
    options:
      - text: 说实在的，我不能打包票结果，但会跟着办：今天给您转办单号，一周内我打电话告诉您进展，您也可以随时打这个电话找我。
        best: true
        note: 诚实说明边界，给出具体的下一步和回音方式。
      - text: 该说的我都说了，你回去等通知吧。
        note: 典型错误：打发了事，没有下一步，也没有回音。
    effects:
      - when: passed('next_step')
        change: {trust: 15}
        because: 有了明确的下一步和回音
    next:
      - when: registered and passed('next_step') and anger < 60
        goto: end_referred
      - goto: end_dissatisfied

  # 结局节点：只有 say（来访人的最后一句）和 ending，不能再有 expects、options 或 next。
  # 覆盖率：若某个节点确实不必由测试走到，可加一行 unreached_ok: "理由"，coverage 会把它列为“已注明理由”。
  end_referred:
    say: （把材料收好）行，那我等你电话。这回可说话算数。
    ending:
      # 结局类型：resolved 问题化解 / referred 引导至正确渠道 / dissatisfied 不满离开 /
      # escalated 矛盾升级 / crisis 安全危机。
      kind: referred
      # 结局标题与说明：显示在结局页和讲评里。
      title: 登记转办，来访人带着明确的回音方式离开
      summary: 来访人感到被倾听，知道了渠道、时限和什么时候会有回音。
  end_dissatisfied:
    say: （叹口气）又是等。行吧，我过些天还来。
    ending:
      kind: dissatisfied
      title: 来访人不满离开，还会再来
      summary: 情绪没有被接住，或者没有讲清下一步，重复访的可能很大。
  end_escalated:
    say: （站起来）跟你们说不通！我去市里，看有没有人管！
    ending:
      kind: escalated
      title: 矛盾升级，扬言越级上访
      summary: 推诿和不耐烦把来访人推向越级访。

# 路径测试：依次输入 replies，检查经过的节点 path、到达的结局 ending（节点编号或结局类型）
# 以及最终状态 state（布尔值，或 {min, max} 范围）。simulator test 运行它们，simulator coverage 据此统计覆盖。
tests:
  - name: 示范回答一路走到登记转办
    replies:
      - 阿姨您先别着急，请坐下喝口水。三个月没有消息，又跑了第二趟，换谁心里都着急。您慢慢说，我听着。
      - 阿姨，我跟您核对一下：您三个月前交过材料，工作人员说等通知，之后一直没有答复，是这样吧？请问当时是交给哪个单位的？有没有回执？麻烦您留一下姓名和联系电话，我把您反映的情况登记下来。
      - 阿姨，您今天在我们这儿登记后，我们15日内按程序转交有权处理的部门，并向原来的单位核实情况；他们收到后15日内书面告诉您是否受理，不会让您干等。
      - 阿姨，您的难处我理解。我跟您说实在的：最后怎么处理要由有权处理的部门依法决定，我不能替他们打包票，但我们会跟着办。今天登记后我把转办单号给您，一周内我会打电话告诉您进展，您也可以随时打这个电话问我。
    path: [opening, facts, route, follow_up, end_referred]
    ending: referred
    state: {registered: true}
  - name: 第二次才接住情绪
    replies:
      - 请出示一下身份证。
      - 阿姨，您的心情我理解，等了三个月没有回音，确实让人着急。您放心，这事我们认真对待，您先跟我说说具体情况。
    path: [opening, opening_again, facts]
  - name: 始终没有回应情绪，不满离开
    replies:
      - 请出示一下身份证。
      - 材料我看一下。
    path: [opening, opening_again, end_dissatisfied]
  - name: 一上来就推诿，矛盾升级
    replies:
      - 这事不归我们管，你去找原来的单位。
    path: [opening, end_escalated]
  - name: 第二轮不耐烦，矛盾升级
    replies:
      - 请出示一下身份证。
      - 急什么，我不是说过了吗？
    path: [opening, opening_again, end_escalated]
  - name: 最后打发了事，不满离开
    replies:
      - 阿姨您先别着急，请坐下喝口水。三个月没有消息，又跑了第二趟，换谁心里都着急。您慢慢说，我听着。
      - 阿姨，我跟您核对一下：您三个月前交过材料，工作人员说等通知，之后一直没有答复，是这样吧？请问当时是交给哪个单位的？有没有回执？麻烦您留一下姓名和联系电话，我把您反映的情况登记下来。
      - 阿姨，您今天在我们这儿登记后，我们15日内按程序转交有权处理的部门，并向原来的单位核实情况；他们收到后15日内书面告诉您是否受理，不会让您干等。
      - 该说的我都说了，你回去等通知吧。
    path: [opening, facts, route, follow_up, end_dissatisfied]
    ending: dissatisfied
"""
