"""Texts of the Budget scenarios page."""

from dashboard.scenarios.mix_text import MIX_MESSAGES

MESSAGES: dict[str, tuple[str, str]] = {
    'scn.subtitle': (
        "Plan the next weeks' budget per channel and see what it brings, projected on a marketing-mix model "
        "fitted to all of the company's history (every channel together), with the per-channel lead curves as a "
        "second view below (the sidebar's period, channel and region filters do not apply here).",
        "Планируйте бюджет каналов на ближайшие недели и смотрите, что он принесёт: прогноз по маркетинг-микс "
        "модели, подобранной на всей истории компании (все каналы вместе), а ниже — второй взгляд по кривым лидов "
        "каналов (фильтры периода, каналов и регионов на боковой панели здесь не действуют).",
    ),
    'scn.fitting': ('Fitting the response curves to the history…', 'Подбираем кривые отклика по истории…'),
    'scn.no_data': (
        'Not enough history to fit response curves: they need at least 26 complete weeks of spend and leads '
        'by channel. Load more data on the Data page.',
        'Недостаточно истории для кривых отклика: нужно не меньше 26 полных недель затрат и лидов по каналам. '
        'Загрузите больше данных на странице «Данные».',
    ),
    'scn.weeks': ('Period to plan', 'Планируемый период'),
    'scn.weeks_option': ('{weeks} weeks: {start} – {end}', '{weeks} нед.: {start} – {end}'),
    'scn.weeks_help': (
        'The future weeks the budget is for, starting the Monday after the last complete week of data. Changing '
        'it keeps each channel\'s weekly budget.',
        'Будущие недели, на которые планируется бюджет, с понедельника после последней полной недели данных. При '
        'смене периода недельный бюджет каналов сохраняется.',
    ),
    'scn.objective': ('Goal of the lead-source curves', 'Цель для кривых по источникам лидов'),
    'scn.objective_help': (
        'What this view\'s curves show and its optimiser (tab "Optimiser on the curves") maximises. The '
        'marketing-mix model above does not read it: what it maximises is chosen at the top of the page.',
        'Что показывают кривые этого раздела и что максимизирует его оптимизатор (вкладка «Оптимизатор по '
        'кривым»). Маркетинг-микс модель выше его не использует: её показатель выбирается вверху страницы.',
    ),
    'scn.objective.gross_profit': ('Gross profit', 'Валовая прибыль'),
    'scn.objective.revenue': ('Revenue', 'Выручка'),
    'scn.objective.leads': ('Leads', 'Лиды'),
    'scn.horizon': ('Value of a new customer (lead-source curves)',
                    'Ценность нового клиента (кривые по источникам лидов)'),
    'scn.horizon_help': (
        'How this view turns leads into money: the revenue and gross profit a new customer brings over their first '
        '12 months (customers acquired at least a year before the end of the data), or their first order only. '
        'The marketing-mix model above does not read it: it is fitted to the weekly outcome itself.',
        'Как этот раздел переводит лиды в деньги: выручка и валовая прибыль от нового клиента за первые 12 месяцев '
        '(клиенты, привлечённые не позже чем за год до конца данных) или только первый заказ. Маркетинг-микс '
        'модель выше его не использует: она подбирается прямо по недельному показателю.',
    ),
    'scn.horizon.12m': ('First 12 months', 'Первые 12 месяцев'),
    'scn.horizon.first': ('First order only', 'Только первый заказ'),
    'scn.bad_id': (
        'The scenario "{id}" was not found: the link is wrong or the scenario was deleted. Showing the last '
        'period continued instead.',
        'Сценарий «{id}» не найден: ссылка неверна или сценарий удалён. Вместо него показан прошлый период '
        'без изменений.',
    ),
    'scn.bad_payload': (
        'The saved scenario "{id}" cannot be opened: its stored budgets are damaged. Showing the last period '
        'continued instead.',
        'Сохранённый сценарий «{id}» не открывается: его бюджеты повреждены. Вместо него показан прошлый период '
        'без изменений.',
    ),
    'scn.loaded': (
        'Saved scenario **{name}** · {author} · {date}',
        'Сохранённый сценарий **{name}** · {author} · {date}',
    ),
    'scn.no_author': ('author not given', 'автор не указан'),
    'scn.loaded_changed': (
        'You have changed it since opening: the link now holds your changes; save to keep them under a name.',
        'Вы изменили его после открытия: ссылка теперь содержит ваши изменения; сохраните, чтобы они остались под '
        'своим именем.',
    ),
    'scn.data_changed': (
        'The data has changed since it was saved: the projection is recomputed on today\'s data.',
        'С момента сохранения данные изменились: прогноз пересчитан на текущих данных.',
    ),
    'scn.budgets': ('Budget for the period', 'Бюджет на период'),
    'scn.col.channel': ('Channel', 'Канал'),
    'scn.col.last': ('Last period', 'Прошлый период'),
    'scn.col.budget': ('Budget', 'Бюджет'),
    'scn.col.change': ('Change', 'Изм.'),
    'scn.budget_of': ('Budget of {channel}', 'Бюджет: {channel}'),
    'scn.budget_help': (
        'From 0 to {limit}: ten times the largest spend the data has seen over this many weeks.',
        'От 0 до {limit}: в десять раз больше самых крупных затрат за столько же недель в данных.',
    ),
    'scn.budget_limit': (
        'Each budget goes up to {limit} for {weeks} weeks (ten times the largest spend seen in the data); '
        'beyond that the curves would be guessing.',
        'Каждый бюджет — до {limit} за {weeks} нед. (в десять раз больше самых крупных затрат в данных); '
        'дальше кривые ничего не знают.',
    ),
    'scn.budget_refused': (
        'The budget of {channel}, {value}, was not taken: budgets go up to {limit} (ten times the largest spend '
        'seen in the data). The box is back at {kept}.',
        'Бюджет «{channel}» {value} не принят: бюджеты — до {limit} (в десять раз больше самых крупных затрат '
        'в данных). В поле снова {kept}.',
    ),
    'scn.constant_tag': ('no curve', 'без кривой'),
    'scn.reset': ('Back to the last period', 'Вернуть прошлый период'),
    'scn.projection': ('Projection for {weeks} weeks vs the last period continued',
                       'Прогноз на {weeks} нед. по сравнению с прошлым периодом'),
    'scn.kpi.budget': ('Budget', 'Бюджет'),
    'scn.vs_last': ('Last period: {value}', 'Прошлый период: {value}'),
    'scn.range': ('90% range: {range}', '90% диапазон: {range}'),
    'scn.col.marginal.12m': ('Marginal ROMI (12-month value)', 'Предельный ROMI (ценность за 12 месяцев)'),
    'scn.col.marginal.first': ('Marginal ROMI (first orders)', 'Предельный ROMI (первые заказы)'),
    'scn.organic': ('baseline', 'базовый уровень'),
    'scn.short.leads': ('Leads', 'Лиды'),
    'scn.short.customers': ('New customers', 'Новые клиенты'),
    'scn.short.revenue': ('Revenue', 'Выручка'),
    'scn.short.gross_profit': ('Gross profit', 'Валовая прибыль'),
    'scn.short.romi.12m': ('ROMI (12-month value)', 'ROMI (ценность за 12 месяцев)'),
    'scn.short.romi.first': ('ROMI (first orders)', 'ROMI (первые заказы)'),
    'scn.total': ('Total', 'Итого'),
    'scn.table_note': (
        'Leads: those the period\'s budget brings during the period and afterwards while its carry-over fades; '
        'organic leads over the period\'s weeks from their trend and season. Customers = leads × the channel\'s '
        'conversion; revenue and gross profit = customers × the value of a new customer. ROMI = (gross profit − '
        'budget) / budget, organic leads not counted. In brackets: the 90% range, from refits of the curves on '
        'resampled history.',
        'Лиды: те, что бюджет периода приносит в течение периода и после него, пока затухает перенос эффекта; '
        'органические лиды за недели периода — по их тренду и сезонности. Клиенты = лиды × конверсия канала; '
        'выручка и валовая прибыль = клиенты × ценность нового клиента. ROMI = (валовая прибыль − бюджет) / бюджет, '
        'без органических лидов. В скобках — 90% диапазон по переподборам кривых на перевыборках истории.',
    ),
    'scn.tab.curves': ('Response curves', 'Кривые отклика'),
    'scn.tab.what_if': ('What if: one channel (curves)', 'Что если: один канал (кривые)'),
    'scn.tab.optimiser': ('Optimiser on the curves', 'Оптимизатор по кривым'),
    'scn.tab.compare': ('Save and compare', 'Сохранить и сравнить'),
    'scn.tab.fit': ('How well the models fit', 'Качество моделей'),
    'scn.axis.budget': ('Budget for the period, {currency}', 'Бюджет на период, {currency}'),
    'scn.axis.gross_profit': ('Gross profit, {currency}', 'Валовая прибыль, {currency}'),
    'scn.axis.revenue': ('Revenue, {currency}', 'Выручка, {currency}'),
    'scn.axis.leads': ('Leads from {weeks} weeks of budget', 'Лиды от бюджета {weeks} нед.'),
    'scn.point.last': ('Last period continued', 'Прошлый период без изменений'),
    'scn.point.scenario': ('This scenario', 'Этот сценарий'),
    'scn.point.what_if': ('What if', 'Что если'),
    'scn.no_curves': (
        'No channel has a fitted curve: no channel\'s spend varied enough to tell how its leads respond.',
        'Ни у одного канала нет кривой: затраты ни одного канала не менялись достаточно, чтобы увидеть отклик лидов.',
    ),
    'scn.curves_note': (
        'Each curve: what a channel\'s budget for {weeks} weeks brings, spread evenly over the weeks. Dotted: '
        'weekly budgets above anything seen in the history, where the curve is an extrapolation.',
        'Каждая кривая — что приносит бюджет канала на {weeks} нед., распределённый по неделям поровну. Пунктир — '
        'недельные бюджеты выше всего, что было в истории: там кривая — экстраполяция.',
    ),
    'scn.what_if_channel': ('Channel', 'Канал'),
    'scn.what_if_budget': ('Budget of {channel} for the period', 'Бюджет канала «{channel}» на период'),
    'scn.what_if_total': (
        'What the whole budget brings ({objective}, organic leads not counted): {before} → {after} ({change}), '
        'other channels unchanged.',
        'Что приносит весь бюджет ({objective}, без органических лидов): {before} → {after} ({change}), '
        'остальные каналы без изменений.',
    ),
    'scn.what_if_apply': ('Use this budget in the scenario', 'Взять этот бюджет в сценарий'),
    'scn.what_if_applied': ('The what-if budget is now in the scenario.', 'Бюджет из «что если» перенесён в сценарий.'),
    'scn.opt_intro': (
        'Finds the split of the budget that maximises {objective} on the fitted curves, within each channel\'s '
        'minimum and maximum. The answer replaces the scenario\'s budgets; it is never worse than the split you '
        'start from.',
        'Находит распределение бюджета, которое максимизирует показатель «{objective}» по подобранным кривым, в '
        'пределах минимума и максимума каждого канала. Ответ заменяет бюджеты сценария и никогда не хуже '
        'исходного распределения.',
    ),
    'scn.opt_mode': ('Question', 'Вопрос'),
    'scn.opt_mode.total': ('Best split of a total budget', 'Лучшее распределение общего бюджета'),
    'scn.opt_mode.target': ('Smallest budget that reaches a target', 'Наименьший бюджет для достижения цели'),
    'scn.opt_total': ('Total budget for the period', 'Общий бюджет на период'),
    'scn.opt_target': ('Target: {objective}, {unit}', 'Цель: {objective}, {unit}'),
    'scn.opt_target_unit.leads': ('leads', 'лидов'),
    'scn.opt_bounds': ('Minimum and maximum budget of each channel for the period (editable):',
                       'Минимальный и максимальный бюджет каждого канала на период (можно изменить):'),
    'scn.col.min': ('Minimum', 'Минимум'),
    'scn.col.max': ('Maximum', 'Максимум'),
    'scn.opt_fixed': (
        'Held at their current budget (no curve, so the optimiser cannot weigh them): {channels}.',
        'Остаются с текущим бюджетом (кривой нет, оптимизатор не может их оценить): {channels}.',
    ),
    'scn.opt_run': ('Optimise', 'Оптимизировать'),
    'scn.opt_done.total': (
        'Optimised for {objective}: what the budget brings (organic leads not counted) goes from {before} to '
        '{after}, with the same total budget of {total}.',
        'Оптимизировано по показателю «{objective}»: то, что приносит бюджет (без органических лидов), растёт с '
        '{before} до {after} при том же общем бюджете {total}.',
    ),
    'scn.opt_done.target': (
        'The smallest budget that reaches {target} of {objective} from the budget (organic leads not counted) is '
        '{total}; it brings {after}.',
        'Наименьший бюджет, который приносит {target} ({objective}, без органических лидов), — {total}; он даёт '
        '{after}.',
    ),
    'scn.opt_unreachable': (
        'The target {target} cannot be reached within the channels\' maximums: the most they bring is {after} '
        'with {total}. The scenario now holds that split; raise the maximums to go further.',
        'Цель {target} недостижима в пределах максимумов каналов: больше всего они дают {after} при бюджете '
        '{total}. Сценарий теперь содержит это распределение; увеличьте максимумы, чтобы идти дальше.',
    ),
    'scn.opt_infeasible': (
        'This total cannot be split within the channels\' limits: it must lie between {low} and {high}. Change '
        'the total or the minimums and maximums.',
        'Этот бюджет нельзя распределить в пределах ограничений каналов: он должен быть от {low} до {high}. '
        'Измените бюджет или минимумы и максимумы.',
    ),
    'scn.save_title': ('Save this scenario', 'Сохранить сценарий'),
    'scn.save_name': ('Name', 'Название'),
    'scn.save_author': ('Author', 'Автор'),
    'scn.save_note': ('Note', 'Комментарий'),
    'scn.save': ('Save', 'Сохранить'),
    'scn.save_help': (
        'Saved scenarios are stored in the database and open for anyone at their link.',
        'Сохранённые сценарии хранятся в базе данных и открываются у любого по своей ссылке.',
    ),
    'scn.save_no_name': ('Give the scenario a name to save it.', 'Чтобы сохранить сценарий, дайте ему название.'),
    'scn.save_failed': ('The scenario could not be saved or deleted: {message}',
                        'Не удалось сохранить или удалить сценарий: {message}'),
    'scn.saved': (
        'Saved. Its link: `?scenario={id}` (the address bar now shows it; copy it from there or from Share view).',
        'Сохранено. Ссылка: `?scenario={id}` (она уже в адресной строке; скопируйте её оттуда или через '
        '«Поделиться видом»).',
    ),
    'scn.saved_title': ('Saved scenarios', 'Сохранённые сценарии'),
    'scn.none_saved': ('No saved scenarios yet.', 'Сохранённых сценариев пока нет.'),
    'scn.col.saved_at': ('Saved', 'Сохранён'),
    'scn.col.weeks': ('Weeks', 'Недель'),
    'scn.col.link': ('Link', 'Ссылка'),
    'scn.open_choice': ('Open a saved scenario', 'Открыть сохранённый сценарий'),
    'scn.open': ('Open', 'Открыть'),
    'scn.delete_choice': ('Delete a saved scenario', 'Удалить сохранённый сценарий'),
    'scn.delete': ('Delete…', 'Удалить…'),
    'scn.delete_confirm': ('Delete "{name}" for everyone? This cannot be undone.',
                           'Удалить «{name}» для всех? Это нельзя отменить.'),
    'scn.delete_yes': ('Yes, delete', 'Да, удалить'),
    'scn.delete_no': ('Cancel', 'Отмена'),
    'scn.deleted': ('The scenario was deleted.', 'Сценарий удалён.'),
    'scn.compare': ('Compare with saved scenarios (up to three)', 'Сравнить с сохранёнными (до трёх)'),
    'scn.compare_placeholder': ('Choose saved scenarios', 'Выберите сохранённые сценарии'),
    'scn.current': ('This scenario', 'Этот сценарий'),
    'scn.col.metric': ('Result', 'Показатель'),
    'scn.compare_note': (
        'Each saved scenario is projected with its own period length and value horizon on today\'s curves; '
        'ranges in brackets are 90%.',
        'Каждый сохранённый сценарий считается со своей длиной периода и горизонтом ценности по текущим кривым; '
        'в скобках — 90% диапазоны.',
    ),
    'scn.col.kind': ('Model', 'Модель'),
    'scn.kind.curve': ('response curve', 'кривая отклика'),
    'scn.kind.constant': ('constant (no curve)', 'постоянный уровень (без кривой)'),
    'scn.kind.baseline': ('organic: trend + season', 'органика: тренд + сезон'),
    'scn.col.mape': ('Hold-out error (MAPE)', 'Ошибка на отложенных неделях (MAPE)'),
    'scn.col.true_theta': ('True θ (demo)', 'Истинное θ (демо)'),
    'scn.col.true_kappa': ('True κ (demo)', 'Истинное κ (демо)'),
    'scn.fit_note': (
        'Fitted on {weeks} complete weeks ({start} – {end}) by bounded least squares per channel; ranges in '
        'brackets: 90% of {boot} refits on moving-block resamples of the residuals (blocks of 4 weeks). R² of '
        'all weekly leads together: {r2}. Fit time: {seconds} s.',
        'Подобрано по {weeks} полным неделям ({start} – {end}) методом наименьших квадратов с ограничениями, по '
        'каждому каналу; в скобках — 90% из {boot} переподборов на блочных перевыборках остатков (блоки по 4 '
        'недели). R² всех недельных лидов вместе: {r2}. Время подбора: {seconds} с.',
    ),
    'scn.truth_note': (
        'The data is the demo company, whose true curves are known: compare them with the fitted ones.',
        'Данные — демо-компания, её истинные кривые известны: сравните их с подобранными.',
    ),
    'scn.warn.flat_spend': (
        'its weekly spend hardly changed (the busiest weeks had only {spread} more than the quietest; a curve '
        'needs at least {needed}), so the data cannot tell how its leads would answer another budget. Its leads '
        'are treated as a constant weekly level, whatever its budget.',
        'его недельные затраты почти не менялись (в самые активные недели всего на {spread} больше, чем в самые '
        'тихие; для кривой нужно хотя бы {needed}), поэтому по данным нельзя понять, как лиды ответят на другой '
        'бюджет. Его лиды считаются постоянным недельным уровнем при любом бюджете.',
    ),
    'scn.warn.few_spend_weeks': (
        'it had spend in only {weeks} weeks ({needed} are needed for a curve). Its leads are treated as a '
        'constant weekly level, whatever its budget.',
        'затраты были только в {weeks} нед. (для кривой нужно {needed}). Его лиды считаются постоянным недельным '
        'уровнем при любом бюджете.',
    ),
    'scn.warn.kappa_uncertain': (
        'where its curve flattens is uncertain (half-saturation between {lo} and {hi} a week): trust its '
        'projection near the budgets it had, less far from them.',
        'где его кривая выходит на насыщение, определено неточно (точка полунасыщения от {lo} до {hi} в неделю): '
        'прогнозу можно доверять около привычных бюджетов, вдали от них — меньше.',
    ),
    'scn.warn.no_saturation_seen': (
        'its spend never reached the point where the curve flattens (half-saturation {kappa} a week, the most '
        'seen was {max}): the flattening beyond is an extrapolation.',
        'затраты ни разу не дошли до точки насыщения (полунасыщение {kappa} в неделю, максимум в истории — '
        '{max}): выход на насыщение дальше — экстраполяция.',
    ),
    'scn.warn.theta_at_bound': (
        'its carry-over came out at the model\'s limit ({theta}): the effect seems to last very long, or spend '
        'moved too smoothly to separate weeks. Treat its projection with care.',
        'перенос эффекта упёрся в предел модели ({theta}): эффект будто длится очень долго или затраты менялись '
        'слишком плавно, чтобы различить недели. Относитесь к прогнозу осторожно.',
    ),
    'scn.warn.weak_fit': (
        'its curve explains little of the week-to-week changes in its leads (R² {r2}).',
        'кривая объясняет малую часть понедельных колебаний его лидов (R² {r2}).',
    ),
    'scn.warn.short_baseline': (
        'only {weeks} weeks of organic leads: the yearly season is poorly known.',
        'только {weeks} нед. органических лидов: годовая сезонность известна плохо.',
    ),
    'scn.economics_title': ('From leads to money: the company\'s own numbers',
                            'От лидов к деньгам: собственные данные компании'),
    'scn.col.conversion': ('Lead → customer', 'Лид → клиент'),
    'scn.col.leads_seen': ('Leads counted', 'Учтено лидов'),
    'scn.col.revenue_per': ('Revenue per new customer', 'Выручка на нового клиента'),
    'scn.col.gp_per': ('Gross profit per new customer', 'Валовая прибыль на нового клиента'),
    'scn.col.valued': ('Customers behind the value', 'Клиентов в расчёте ценности'),
    'scn.all_channels': ('average of all channels', 'среднее по всем каналам'),
    'scn.economics_note.12m': (
        'Conversion: leads at least 30 days old that became customers. Value: revenue and gross profit of the '
        'orders in a new customer\'s first 12 months, over customers acquired at least a year before the end of '
        'the data.',
        'Конверсия: лиды старше 30 дней, ставшие клиентами. Ценность: выручка и валовая прибыль заказов за первые '
        '12 месяцев нового клиента, по клиентам, привлечённым не позже чем за год до конца данных.',
    ),
    'scn.economics_note.first': (
        'Conversion: leads at least 30 days old that became customers. Value: revenue and gross profit of a new '
        'customer\'s first order.',
        'Конверсия: лиды старше 30 дней, ставшие клиентами. Ценность: выручка и валовая прибыль первого заказа '
        'нового клиента.',
    ),
    'scn.method': (
        '**How it works.** Each channel\'s weekly leads = β · a^s / (a^s + κ^s), where a is the carried-over '
        'spend, a(t) = spend(t) + θ · a(t−1). Organic leads (channels without spend) = level + trend + yearly '
        'season. A scenario\'s budget is spread evenly over its weeks; the carry-over of spend made before the '
        'period is left out, since no decision changes it. The optimiser maximises the sum of the channels\' '
        'curves, so its projected total is exactly what the curves give at its answer.',
        '**Как это считается.** Недельные лиды канала = β · a^s / (a^s + κ^s), где a — накопленные затраты, '
        'a(t) = затраты(t) + θ · a(t−1). Органические лиды (каналы без затрат) = уровень + тренд + годовая '
        'сезонность. Бюджет сценария распределяется по неделям поровну; перенос эффекта затрат до начала периода '
        'не учитывается — его не меняет никакое решение. Оптимизатор максимизирует сумму кривых каналов, поэтому '
        'его итог в точности равен тому, что дают кривые в его ответе.',
    ),
    'scn.mmm.title': ('Marketing-mix model: all channels together', 'Маркетинг-микс модель: все каналы вместе'),
    'scn.mmm.caption': (
        'The model behind the projection at the top: the weekly {of} explained at once by every channel\'s spend '
        '(sales, reputation and communication) and a baseline (trend, seasons). Unlike the curves, a channel is '
        'not credited only with the leads naming it as their source. Ranges are 90% intervals.',
        'Модель, по которой считается прогноз вверху страницы: недельные показатели ({of}) объясняются сразу '
        'затратами всех каналов (продажи, репутация и коммуникации) и базовым уровнем (тренд, сезонность). В '
        'отличие от кривых, каналу засчитываются не только лиды, где он указан источником. Диапазоны — 90% '
        'интервалы.',
    ),
    'scn.mmm.fitting': ('Fitting the marketing-mix model…', 'Подбираем маркетинг-микс модель…'),
    'scn.mmm.col.contribution': ('{outcome} from the channel', '{outcome} от канала'),
    'scn.mmm.col.share': ('Share of {of}', 'Доля {of}'),
    'scn.mmm.col.share_range': ('Share, 90% range', 'Доля, 90% интервал'),
    'scn.mmm.col.roi': ('{outcome} per {per} {currency}', '{outcome} на {per} {currency}'),
    'scn.mmm.col.roi_range': ('Per {per}, 90% range', 'На {per}, 90% интервал'),
    'scn.mmm.col.decay': ('Carry-over θ', 'Перенос θ'),
    'scn.mmm.baseline': ('Baseline (without marketing)', 'Базовый уровень (без маркетинга)'),
    'scn.mmm.chart_y': ('{outcome} per week', '{outcome} в неделю'),
    'scn.mmm.fit_note': (
        '{weeks} weeks, {channels} channels; R² {r2}; error on the last {holdout} weeks when fitted without them '
        '(MAPE) {mape}; fitted in {seconds} s.',
        '{weeks} нед., каналов: {channels}; R² {r2}; ошибка на последних {holdout} неделях при подборе без них '
        '(MAPE) {mape}; подбор за {seconds} с.',
    ),
    'scn.mmm.diag.fit_strong': ('The model follows the weekly {of} closely.', 'Модель хорошо повторяет недельные значения ({of}).'),
    'scn.mmm.diag.fit_moderate': (
        'The model follows the weekly {of} only in part: read the shares as rough.',
        'Модель повторяет недельные значения ({of}) лишь отчасти: доли — грубая оценка.',
    ),
    'scn.mmm.diag.fit_weak': (
        'The model explains little of the weekly {of}: do not base decisions on it.',
        'Модель мало объясняет в недельных значениях ({of}): решения на ней не стройте.',
    ),
    'scn.mmm.diag.holdout_good': (
        'It predicts weeks it has not seen well (within 10%).', 'Недели, которых она не видела, предсказывает хорошо (в пределах 10%).'),
    'scn.mmm.diag.holdout_fair': (
        'It predicts weeks it has not seen within 20%.', 'Недели, которых она не видела, предсказывает с ошибкой до 20%.'),
    'scn.mmm.diag.holdout_poor': (
        'It predicts weeks it has not seen poorly (more than 20% off).',
        'Недели, которых она не видела, предсказывает плохо (ошибка больше 20%).',
    ),
    'scn.mmm.diag.residuals_independent': (
        'What it leaves unexplained looks like noise.', 'Необъяснённый остаток похож на шум.'),
    'scn.mmm.diag.residuals_autocorrelated': (
        'What it leaves unexplained follows a pattern from week to week: something it does not know about matters.',
        'Необъяснённый остаток меняется от недели к неделе закономерно: влияет что-то, чего модель не знает.',
    ),
    'scn.mmm.diag.wide_intervals': (
        'Some channels\' ranges are wider than their estimate: the data cannot tell their effect apart (steady '
        'spend, or spend moving with another channel).',
        'У некоторых каналов интервал шире самой оценки: по данным их эффект не отделить (ровные затраты или '
        'затраты, меняющиеся вместе с другим каналом).',
    ),
}

_TWICE = MESSAGES.keys() & MIX_MESSAGES.keys()
if _TWICE:
    raise ValueError(f"messages defined twice: {sorted(_TWICE)}")
MESSAGES.update(MIX_MESSAGES)
