"""Texts of the Budget scenarios page's joint-model projection and optimiser (merged into ``text.MESSAGES``)."""

MIX_MESSAGES: dict[str, tuple[str, str]] = {
    'scn.mix.title': ('Projection on the marketing-mix model', 'Прогноз по маркетинг-микс модели'),
    'scn.mix.caption': (
        'One model explains the weekly {of} by every channel\'s spend at once (sales, reputation and '
        'communication), with carry-over and saturation, plus a baseline (trend, seasons). The budgets below are '
        'replayed on the last {weeks} weeks ({start} – {end}): each channel keeps its weekly pattern, scaled to '
        'its budget, so at last period\'s budgets the projection is the model\'s fit of those weeks. Ranges are '
        '90% intervals over the model\'s draws.',
        'Одна модель объясняет недельные показатели ({of}) затратами всех каналов сразу (продажи, репутация, '
        'коммуникации) с переносом и насыщением и базовым уровнем (тренд, сезонность). Бюджеты ниже '
        'проигрываются на последних {weeks} неделях ({start} – {end}): у каждого канала сохраняется его недельный '
        'рисунок, масштабированный к бюджету, поэтому при бюджетах прошлого периода прогноз совпадает с '
        'подгонкой модели на этих неделях. Диапазоны — 90% интервалы по выборкам модели.',
    ),
    'scn.mix.calibrated': (
        'Calibrated by {n} lift test(s) of this outcome (Data page, table "Lift tests"): the model must also agree '
        'with what those experiments measured.',
        'Калибровка по lift-тестам этого показателя: {n} (страница «Данные», таблица «Lift-тесты»): модель должна '
        'согласовываться и с тем, что измерили эти эксперименты.',
    ),
    'scn.outcome': ('What to maximise', 'Что максимизировать'),
    'scn.outcome_help': (
        'The weekly result the marketing-mix model is fitted to, projects and its optimiser maximises; a saved '
        'scenario keeps it. Only outcomes with at least 26 complete weeks of data are offered. The lead-source '
        'curves further down have their own goal and value of a new customer, which do not change this model.',
        'Недельный результат, на котором подбирается маркетинг-микс модель, который она прогнозирует и '
        'максимизирует её оптимизатор; сохранённый сценарий его запоминает. Предлагаются только показатели, по '
        'которым есть не меньше 26 полных недель данных. У кривых по источникам лидов ниже свои цель и ценность '
        'нового клиента, на эту модель они не влияют.',
    ),
    'scn.outcome_gone': (
        'It was saved for {saved}, which the current data no longer supports (the model needs at least 26 '
        'complete weeks of it): it is shown on {shown} instead.',
        'Он сохранён для показателя «{saved}», который текущие данные больше не позволяют моделировать (нужно '
        'не меньше 26 полных недель): он показан для показателя «{shown}».',
    ),
    'scn.col.outcome': ('Maximises', 'Максимизирует'),
    'scn.compare_projected': ('Model: {outcome}', 'Модель: {outcome}'),
    'scn.compare_outcomes': (
        'These scenarios maximise different outcomes: each "Model" row holds only the scenarios of its outcome '
        '(a dash for the others) and last period on that outcome\'s model; the rows below it are counted alike '
        'for all.',
        'Эти сценарии максимизируют разные показатели: в каждой строке «Модель» только сценарии этого показателя '
        '(у остальных прочерк) и прошлый период по модели этого показателя; строки ниже посчитаны одинаково для '
        'всех.',
    ),
    'scn.outcome.gross_profit': ('Gross profit', 'Валовая прибыль'),
    'scn.outcome.revenue': ('Revenue', 'Выручка'),
    'scn.outcome.orders': ('Orders', 'Заказы'),
    'scn.outcome.new_customers': ('New customers', 'Новые клиенты'),
    'scn.outcome.leads': ('Leads', 'Лиды'),
    'scn.outcome_of.gross_profit': ('gross profit', 'валовой прибыли'),
    'scn.outcome_of.revenue': ('revenue', 'выручки'),
    'scn.outcome_of.orders': ('orders', 'заказов'),
    'scn.outcome_of.new_customers': ('new customers', 'новых клиентов'),
    'scn.outcome_of.leads': ('leads', 'лидов'),
    'scn.mix.no_data': (
        'Not enough history for the marketing-mix model: it needs at least 26 complete weeks of spend and of an '
        'outcome (orders, new customers or leads).',
        'Недостаточно истории для маркетинг-микс модели: нужно не меньше 26 полных недель затрат и результата '
        '(заказов, новых клиентов или лидов).',
    ),
    'scn.mix.kpi.budget': ('Budget, all channels', 'Бюджет, все каналы'),
    'scn.mix.kpi.outcome': ('Projected: {outcome}', 'Прогноз: {outcome}'),
    'scn.mix.kpi.media': ('Of it from marketing', 'Из них от маркетинга'),
    'scn.mix.range': ('90% range: {range}', '90% интервал: {range}'),
    'scn.mix.vs_last': ('last period: {value}', 'прошлый период: {value}'),
    'scn.mix.col.contribution': ('From the channel', 'От канала'),
    'scn.mix.col.range': ('90% range', '90% интервал'),
    'scn.mix.col.roi': ('Per {per} {currency} of budget', 'На {per} {currency} бюджета'),
    'scn.mix.col.observed': ('Observed over {weeks} weeks', 'Наблюдалось за {weeks} нед.'),
    'scn.mix.uncertain': ('uncertain', 'неуверенно'),
    'scn.mix.table_note': (
        '"Uncertain": the channel\'s 90% ROI interval reaches zero, so the data cannot tell its effect from none; '
        'the optimiser keeps it within the spend range it was observed at. "Observed": the lowest and highest '
        'spend over that many consecutive weeks that the history holds.',
        '«Неуверенно»: 90% интервал ROI канала доходит до нуля, по данным его эффект не отличить от нулевого; '
        'оптимизатор держит такой канал в пределах наблюдавшихся затрат. «Наблюдалось»: наименьшие и наибольшие '
        'затраты за столько недель подряд, какие есть в истории.',
    ),
    'scn.mix.opt_title': ('Best split on the model', 'Лучшее распределение по модели'),
    'scn.mix.opt_total': ('Total budget to split, {currency}', 'Общий бюджет для распределения, {currency}'),
    'scn.mix.opt_outside': (
        'Allow budgets outside the observed range (not for uncertain channels)',
        'Разрешить бюджеты вне наблюдавшегося диапазона (кроме неуверенных каналов)',
    ),
    'scn.mix.opt_outside_help': (
        'Off: every channel stays within the spend it was observed at, where the model has seen what it does. On: '
        'channels the model is sure of may go from none up to twice their highest observed spend; uncertain '
        'channels still keep their observed range.',
        'Выключено: каждый канал остаётся в пределах наблюдавшихся затрат, где модель видела его действие. '
        'Включено: каналы, в которых модель уверена, могут получать от нуля до двух наибольших наблюдавшихся '
        'затрат; неуверенные каналы по-прежнему остаются в своём диапазоне.',
    ),
    'scn.mix.opt_feasible': (
        'Within these ranges a total from {low} to {high} can be split.',
        'В этих пределах можно распределить общий бюджет от {low} до {high}.',
    ),
    'scn.mix.opt_run': ('Optimise on the model', 'Оптимизировать по модели'),
    'scn.mix.opt_done': (
        'Optimised for {objective}: {before} → {after} (90% range {range}) with {total}. The budgets are in the '
        'boxes below.',
        'Оптимизировано по показателю «{objective}»: {before} → {after} (90% интервал {range}) при бюджете '
        '{total}. Бюджеты — в полях ниже.',
    ),
    'scn.mix.opt_infeasible': (
        'This total cannot be split within the ranges: choose one from {low} to {high}.',
        'Такой бюджет не распределить в этих пределах: выберите от {low} до {high}.',
    ),
    'scn.lead.title': ('Lead-source curves (last-click)', 'Кривые по источникам лидов (последний клик)'),
    'scn.lead.caption': (
        'A second, simpler view: each channel\'s curve is fitted only on the leads naming it as their source, so '
        'channels that work through other channels (reputation, communication, word of mouth) get no credit. '
        'Read it next to the model above, not instead of it.',
        'Второй, более простой взгляд: кривая каждого канала подобрана только по лидам, где он указан '
        'источником, поэтому каналы, действующие через другие каналы (репутация, коммуникации, сарафанное '
        'радио), здесь не получают вклада. Смотрите его рядом с моделью выше, а не вместо неё.',
    ),
}
