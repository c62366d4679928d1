"""The rubric skeleton `simulator new rubric` writes (a string.Template; `$$` is a dollar sign).

A complete small rubric: the three required dimensions, credits and faults of every common check
kind, golden replies both ways for every criterion, and whole-reply tests. It validates clean and
its golden tests pass. Every field carries a Chinese comment.
"""

RUBRIC_TEMPLATE = """\
# yaml-language-server: $$schema=${schema}
# ======================================================================
# 评分标准骨架：由「simulator new rubric ${id}」生成。
# 一个完整的小评分标准，已能通过校验和黄金测试。照着改、照着加；每改一步都运行：
#   simulator validate ${path} --strict   检查格式、正则、维度与黄金测试是否齐全
#   simulator test ${path}                运行黄金回复测试（--metrics 看每项的精确率与召回率）
#   simulator score --rubric ${path} "您先别着急，慢慢说。"   看一句话怎么得分
#   simulator calibrate 标注.csv --rubric ${path}             与教员打分比一致性
# 场景用它时写 rubric: ${id}（放在 rubrics/ 下时），或写相对路径。详见 docs/authoring.md。
# ======================================================================

# 格式版本：目前只能是 1。
schema_version: 1
# 评分标准编号：小写字母开头，只用小写字母、数字、下划线；与文件名保持一致。
id: ${id}
# 名称与说明。TODO
title: ${title}
description: 由骨架生成的评分标准，请按本单位的接待规范修改。

# 维度：编号 → 定义。必须有 listening（倾听）、impartiality（公正）、communication（沟通），可以再加。
#   label：中文名；weight：在总分中的权重；target：无场景上下文时满分所需的加分项权重之和；
#   description：维度说明。
dimensions:
  listening: {label: 倾听, weight: 1, target: 2, description: 耐心听完、回应情绪、问清事实}
  impartiality: {label: 公正, weight: 1, target: 1, description: 不偏不倚，以事实和政策为据}
  communication: {label: 沟通, weight: 1, target: 1, description: 用语文明，讲清程序和下一步}

# 无场景上下文时（simulator score、calibrate 中没有写场景节点的行）本轮期望的加分项。
default_expects: [empathy, ask_facts, verify_facts, polite]

# 词族与命名间隔（lexicon）：同一组说法只写一次，起个名字，检查条件里按名字引用；要加一个说法，只改一处。
#   families：词族名 → phrases 说法（字面）、patterns 小段正则、include 并入别的词族、description 说明，
#     examples 必中例句（每句都要含有本族的说法）、near_misses 形近而不该命中的说法；simulator test 逐句检验。
#   gaps：间隔名 → max 最多隔几个字、min 至少几个字、clause 能否跨过逗号句号等分句标点（默认不能）、
#     negation 能否跨过「不、没」（默认能）、stops 另外不能跨过的字符、description 说明。
lexicon:
  gaps:
    clause: {description: 同一分句之内, max: 8}
  families:
    understand:
      description: 表示懂得对方的说法
      phrases: [理解, 体谅, 明白]
      examples: [我理解您的心情]
      near_misses: [我们会处理]
    feeling:
      description: 对方的情绪和处境
      phrases: [心情, 着急, 委屈, 不容易]
      examples: [您的心情]
      near_misses: [您的材料]
    calm_down:
      description: 安慰对方的祈使句
      phrases: [别着急, 别担心, 消消气]
      examples: [您先别着急]
      near_misses: [您先坐]
    listen_to_other_side:
      description: 听一听、问一问责任单位
      phrases: [听一听, 听听, 问问]
      examples: [我们听一听项目部的说法]
      near_misses: [您听我说]
    their_view:
      description: 责任单位的说法
      phrases: [意见, 说法, 解释]
      examples: [项目部的说法]
      near_misses: [项目部的地址]

# 评分项。每项：
#   id 编号；label 中文名；dimension 所属维度；kind：credit 加分项 / fault 扣分项；
#   weight：加分项的权重，或扣分项从该维度扣除的分数；cap：扣分项触发时本轮总分的上限（严重问题才用）；
#   check 检查条件（见下）；feedback：hit 触发时给学员的话，miss 本轮期望却没做到时的话；
#   example 示范说法；source 出处（ref 编号 + quote 原文，须能在来源文件中找到）；
#   effects 触发时对场景状态的通用影响（场景声明了该变量才生效）；
#   golden 黄金回复：fires 应触发、quiet 不应触发，两样都要有。
# 检查条件（一个键表示一种）：
#   family 出现某个词族（times: N 至少出现 N 次）/ seq 依次出现：词族名、间隔（{clause: 4} 即按 clause 的规矩
#   最多隔 4 个字）、一小段正则、[...] 可有可无的一段、{unless: [...]} 后面不能紧跟的 / near: [词族, 词族] + within
#   两个词族相隔不超过 within，先后不限 / not 子条件不成立 / phrases 出现任一短语 / not_phrases 一个都不出现 /
#   regex 正则匹配（写不成词族时才用）/ not_regex 正则不匹配 / question 含（或不含）提问 / length 字数范围 /
#   similar 与示范回答的相似度 / any 任一满足 / all 全部满足 / at_least N + of 至少满足 N 个。
#   family、seq、near、phrases 默认开启否定守卫 guard：前面同一分句里有“不、没、别……”时不算命中
#   （“我不理解您”不算共情）；写在 any、all 上的 guard 是其中 family、seq、near 的默认值。
#   加分项不能只靠“没说某话”得分（校验 SC310），扣分项不能对空回复触发（SC311）。
criteria:
  - id: empathy
    label: 共情
    dimension: listening
    kind: credit
    weight: 2
    # 安慰的话，或「理解……心情」（中间隔不超过 8 个字、不跨逗号），或倒过来「心情……理解」。
    check:
      any:
        - family: calm_down
        - near: [understand, feeling]
          within: {clause: 8}
    feedback: {hit: 回应了来访人的情绪。, miss: 先回应来访人的情绪，再谈事情。}
    example: 您先别着急，这事搁谁身上都着急。
    source: {ref: 篇二·热忱的服务精神, quote: 要学会站在上访者的角度思考问题}
    effects: {anger: -10, trust: 5}
    golden:
      fires: [您先别着急，慢慢说。, 这么久没有消息，您的心情我理解。]
      quiet: [我不理解您为什么这样。, 请出示身份证。, 我理解，心情不好也得排队。]

  - id: ask_facts
    label: 问清事实
    dimension: listening
    kind: credit
    weight: 1
    # all：全部满足才算。这里要求既是提问，又问到具体事实。
    check:
      all:
        - question: true
        - phrases: [什么时候, 哪个单位, 多少, 怎么回事, 具体]
    feedback: {hit: 问到了具体事实。, miss: 用提问问清时间、单位、经过。}
    example: 请问这事是什么时候开始的？当时找的是哪个单位？
    source: {ref: 篇一·站在低位倾听的心态, quote: 认真耐心地听一听群众的诉求}
    golden:
      fires: [请问这事是什么时候开始的？]
      quiet: [具体情况我们回头再说。]

  - id: verify_facts
    label: 核实情况
    dimension: impartiality
    kind: credit
    weight: 1
    # 「核实」，或「听一听……的说法」：seq 里依次写词族名、间隔、说法；依据只标出词，不标中间隔着的字。
    check:
      any:
        - phrases: [核实, 了解一下情况]
        - seq: [listen_to_other_side, {clause: 6}, their_view]
    feedback: {hit: 表示会核实、听取各方意见。, miss: 说明会向责任单位核实情况，不急于下结论。}
    example: 我们会向有关单位核实情况，也听一听他们的意见。
    source: {ref: 篇一·站在低位倾听的心态, quote: 再听一听责任单位与办理部门、政策解释是部门的意见，就能把问题搞清楚}
    golden:
      fires: [我们会向有关单位核实情况。, 我们也听一听项目部的说法。]
      quiet: [这事肯定是他们的错。, 您听我说，说法不重要。]

  - id: polite
    label: 礼貌用语
    dimension: communication
    kind: credit
    weight: 1
    # guard: false：关掉否定守卫（“您别急”里的“您”前面有没有否定词都算礼貌）。
    check:
      phrases: [您, 请]
      guard: false
    feedback: {hit: 用语礼貌。, miss: 注意称呼和礼貌用语，如“您”“请”。}
    example: 您好，请坐，慢慢说。
    source: {ref: 篇一·热情的工作精神, quote: 都要抱着一种热心、耐心、真心，热情接待，认真听取}
    golden:
      fires: [您好，请坐。]
      quiet: [你说吧。]

  - id: take_sides
    label: 偏听偏信
    dimension: impartiality
    kind: fault
    weight: 40
    check:
      phrases: [肯定是他们的错, 就是坑人, 他们就是故意的, 你们就是无理取闹]
    feedback: {hit: 未经核实就下结论，偏离了公正立场。}
    example: 是不是这样，我们核实以后给您答复。
    source: {ref: 篇二·要有立场公正的心态, quote: 从内心抱着一个公正的立场}
    effects: {trust: -10}
    golden:
      fires: [他们就是故意的。]
      quiet: [是不是故意的，要核实以后才知道。]

  - id: dismissive
    label: 推诿
    dimension: communication
    kind: fault
    weight: 40
    # cap：触发时本轮总分最高 30 分。
    cap: 30
    check:
      phrases: [不归我们管, 找别的部门, 你问我我问谁, 我也没办法]
    feedback: {hit: 推诿搪塞，来访人会觉得被踢皮球。}
    example: 这事我们先登记下来，按程序转给有权处理的部门，15日内告诉您是否受理。
    source: {ref: 信访工作条例第二十八条, quote: 不得推诿、敷衍、拖延}
    effects: {anger: 20, risk: 10}
    golden:
      fires: [这不归我们管。, 你问我我问谁？]
      quiet: [这事归我们管，您放心。]

# 整体测试：name 测试名称；reply 一句学员回复；expect 各评分项应 fires（触发）或 quiet（不触发）；
# total 总分范围 {min, max}（可只写一头）。
tests:
  - name: 共情、核实、礼貌的回复
    reply: 您先别着急，慢慢说。我们会向有关单位核实情况。
    expect: {empathy: fires, verify_facts: fires, polite: fires, dismissive: quiet}
    total: {min: 60}
  - name: 推诿的回复总分被封顶
    reply: 这不归我们管，你问我我问谁？
    expect: {dismissive: fires, polite: quiet}
    total: {max: 30}
"""
