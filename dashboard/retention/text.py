"""Texts of the Retention & profit page."""

MESSAGES: dict[str, tuple[str, str]] = {
    'retention.subtitle': (
        'Who your customers are today, what keeping them is worth, and what a point of retention, a promoter and a '
        'complaint resolved on time bring in profit — from your own data.',
        'Кто ваши клиенты сегодня, сколько стоит их удержать и что приносят в прибыли пункт удержания, промоутер и '
        'жалоба, решённая в срок, — по вашим собственным данным.',
    ),
    'retention.as_of': (
        'Statuses as of {date}, the last day of the period; cohorts and values use the whole history up to that day.',
        'Статусы на {date}, последний день периода; когорты и ценность — по всей истории до этого дня.',
    ),
    'retention.scope': (
        'Channels filter customers by the channel that acquired them; regions by the customer\'s region. NPS answers, '
        'reviews and complaints are those of the customers shown.',
        'Фильтр каналов отбирает клиентов по каналу привлечения, фильтр регионов — по региону клиента. Ответы NPS, '
        'отзывы и жалобы — этих же клиентов.',
    ),
    'retention.empty': (
        'No customers with orders up to the end of this period. Choose a later period or fewer filters.',
        'Нет клиентов с заказами до конца этого периода. Выберите более поздний период или снимите фильтры.',
    ),
    'retention.active': ('Active customers', 'Активные клиенты'),
    'retention.active.help': (
        'Customers with a purchase in the last {months} months up to {date} (statuses active, loyal, non-loyal, '
        'seasonal, and offended customers who bought in that time).',
        'Клиенты с покупкой за последние {months} мес. до {date} (статусы активный, лояльный, нелояльный, '
        'сезонный, а также обиженные, покупавшие за это время).',
    ),
    'retention.yearly': ('Yearly retention', 'Удержание за год'),
    'retention.yearly.help': (
        'Customers who bought in the previous 12 months and bought again in the last 12 months / customers who '
        'bought in the previous 12 months.',
        'Клиенты, покупавшие в предыдущие 12 месяцев и купившие снова в последние 12 месяцев / клиенты, '
        'покупавшие в предыдущие 12 месяцев.',
    ),
    'retention.avg_clv': ('Predicted CLV', 'Прогнозная CLV'),
    'retention.segments': ('Customer base by status', 'База клиентов по статусам'),
    'retention.segments.caption': (
        'Shares of revenue and gross profit are of everything the customers bought up to the as-of day; historical '
        'CLV = gross profit to date per customer; predicted CLV = the next {years} years, discounted at {rate}.',
        'Доли выручки и валовой прибыли — от всех покупок клиентов до даты статуса; накопленная CLV = валовая '
        'прибыль на клиента на сегодня; прогнозная CLV — на {years} г. вперёд с дисконтом {rate}.',
    ),
    'col.status': ('Status', 'Статус'),
    'col.action': ('Recommended action', 'Что делать'),
    'col.customers': ('Customers', 'Клиенты'),
    'col.customer_share': ('Share of customers', 'Доля клиентов'),
    'col.revenue_share': ('Revenue share', 'Доля выручки'),
    'col.gross_profit_share': ('Gross profit share', 'Доля валовой прибыли'),
    'col.historical_clv': ('Historical CLV', 'Накопленная CLV'),
    'col.predicted_clv': ('Predicted CLV', 'Прогнозная CLV'),
    'status.active': ('Active', 'Активные'),
    'status.loyal': ('Loyal', 'Лояльные'),
    'status.non_loyal': ('Non-loyal (one purchase)', 'Нелояльные (одна покупка)'),
    'status.seasonal': ('Seasonal, off-season now', 'Сезонные, сейчас не сезон'),
    'status.offended': ('Offended', 'Обиженные'),
    'status.lapsed': ('Lost < 1 year', 'Потерянные < 1 года'),
    'status.lost': ('Lost > 1 year', 'Потерянные > 1 года'),
    'action.sell': ('Sell', 'Продавать'),
    'action.keep': ('Keep', 'Удерживать'),
    'action.make_loyal': ('Make loyal', 'Сделать лояльными'),
    'action.sell_off_season': ('Sell off-season', 'Допродать вне сезона'),
    'action.reconcile': ('Reconcile: close the grievance', 'Помириться: закрыть обиду'),
    'action.win_back': ('Win back', 'Вернуть'),
    'export.pick': ('Customer list for the CRM', 'Список клиентов для CRM'),
    'export.button': ('Download CSV', 'Скачать CSV'),
    'export.help': (
        'One row per customer of the chosen status, with the filters it was made with on top.',
        'По строке на клиента выбранного статуса, сверху — фильтры, с которыми сделана выгрузка.',
    ),
    'export.title': ('Retention & profit — customers with status: {status}', 'Удержание и прибыль — клиенты со статусом: {status}'),
    'export.as_of': ('As of: {date}', 'На дату: {date}'),
    'export.channels': ('Acquisition channels: {channels}', 'Каналы привлечения: {channels}'),
    'export.regions': ('Regions: {regions}', 'Регионы: {regions}'),
    'export.thresholds': (
        'Thresholds: active within {active} months, lost after {lost} months, loyal from {loyal} purchases',
        'Пороги: активный — {active} мес., потерянный — после {lost} мес., лояльный — от {loyal} покупок',
    ),
    'export.all': ('all', 'все'),
    'impact.title': ('What retention is worth', 'Сколько стоит удержание'),
    'impact.delta': ('Retention increase, percentage points', 'Рост удержания, п.п.'),
    'impact.delta.help': (
        'Added to the yearly retention of every tenure group in the projection.',
        'Добавляется к годовому удержанию каждой группы стажа в прогнозе.',
    ),
    'impact.baseline': ('Profit at today\'s retention', 'Прибыль при нынешнем удержании'),
    'impact.scenario': ('Profit at +{delta} pp', 'Прибыль при +{delta} п.п.'),
    'impact.difference': ('Difference', 'Разница'),
    'impact.horizon': (
        'Discounted gross profit of the customer base minus acquisition cost over {years} years, discount rate {rate}.',
        'Дисконтированная валовая прибыль базы клиентов минус затраты на привлечение за {years} г., ставка {rate}.',
    ),
    'impact.folklore': (
        'The industry claim says +5% retention brings +25–95% profit. Your own data say **+5 pp → {pct} ({money})** over '
        '{years} years.',
        'Отраслевое утверждение: +5% удержания дают +25–95% прибыли. Ваши данные говорят: **+5 п.п. → {pct} ({money})** '
        'за {years} г.',
    ),
    'impact.no_projection': (
        'Not enough history for the projection: it needs customers in both of the last two years.',
        'Недостаточно истории для прогноза: нужны клиенты в оба последних года.',
    ),
    'impact.chart.x': ('Retention increase, percentage points', 'Рост удержания, п.п.'),
    'impact.chart.y': ('Profit over the horizon, % change', 'Прибыль за горизонт, изменение, %'),
    'impact.chart.ours': ('Your data', 'Ваши данные'),
    'impact.chart.folklore': ('Industry claim (+5% → +25–95%)', 'Отраслевое утверждение (+5% → +25–95%)'),
    'impact.inputs': ('Inputs of the projection', 'Исходные данные прогноза'),
    'col.tenure': ('Tenure', 'Стаж'),
    'tenure.0': ('New (first year)', 'Новые (первый год)'),
    'tenure.1': ('Second year', 'Второй год'),
    'tenure.2': ('Third year and older', 'Третий год и старше'),
    'col.active_prev': ('Active a year before', 'Активны год назад'),
    'col.retained': ('Of them bought again', 'Из них купили снова'),
    'col.retention': ('Yearly retention', 'Удержание за год'),
    'col.active_now': ('Active now', 'Активны сейчас'),
    'col.margin_per_active': ('Gross profit per active customer, year', 'Валовая прибыль на активного клиента, год'),
    'impact.inputs.more': (
        'New customers per year: {new}; acquisition spend, last 12 months: {spend}; CAC: {cac}; horizon {years} years; '
        'discount rate {rate}. Changing the horizon or the rate: settings DASHBOARD_HORIZON_YEARS and '
        'DASHBOARD_DISCOUNT_RATE.',
        'Новых клиентов в год: {new}; затраты на привлечение за 12 месяцев: {spend}; CAC: {cac}; горизонт {years} г.; '
        'ставка дисконтирования {rate}. Горизонт и ставка — настройки DASHBOARD_HORIZON_YEARS и '
        'DASHBOARD_DISCOUNT_RATE.',
    ),
    'cohorts.title': ('Cohorts', 'Когорты'),
    'cohorts.heatmap': ('Retention by acquisition month', 'Удержание по месяцу привлечения'),
    'cohorts.curves': ('Retention curves by acquisition channel', 'Кривые удержания по каналам привлечения'),
    'cohorts.x': ('Months since the first purchase', 'Месяцев с первой покупки'),
    'cohorts.y': ('Acquisition month', 'Месяц привлечения'),
    'cohorts.value': ('Bought', 'Купили'),
    'cohorts.curve_y': ('Customers buying in the month', 'Покупали в месяце'),
    'cohorts.repeat': ('Repeat-purchase rate', 'Доля повторных покупок'),
    'cohorts.churn': ('Churn in the period', 'Отток за период'),
    'cohorts.churn.caption': (
        '{lost} of {base} customers active at the start of the period were no longer active at its end.',
        '{lost} из {base} клиентов, активных в начале периода, к его концу перестали быть активными.',
    ),
    'clv.title': ('Customer lifetime value', 'Ценность клиента (CLV)'),
    'clv.historical': ('Historical CLV by acquisition year', 'Накопленная CLV по году привлечения'),
    'clv.historical.y': ('Gross profit per acquired customer', 'Валовая прибыль на привлечённого клиента'),
    'clv.predicted': ('Predicted CLV, next {years} years', 'Прогнозная CLV на {years} г.'),
    'clv.predicted.x': ('Predicted CLV per customer', 'Прогнозная CLV на клиента'),
    'clv.predicted.y': ('Customers', 'Клиенты'),
    'clv.fit': ('Model fit (maximum likelihood)', 'Оценка моделей (максимальное правдоподобие)'),
    'clv.fit.body': (
        'BG/NBD on {n} customers, weekly units: r = {r}, alpha = {alpha}, a = {a}, b = {b}, log-likelihood {ll}. '
        'Gamma-Gamma on gross profit per purchase of {m} repeat customers: p = {p}, q = {q}, v = {v}. The same '
        'code reproduces the published estimates on the public CDNOW sample and equals the lifetimes package '
        'within 0.1%.',
        'BG/NBD по {n} клиентам, единица — неделя: r = {r}, alpha = {alpha}, a = {a}, b = {b}, логарифм '
        'правдоподобия {ll}. Gamma-Gamma по валовой прибыли с покупки {m} повторных клиентов: p = {p}, q = {q}, '
        'v = {v}. Тот же код воспроизводит опубликованные оценки на открытой выборке CDNOW и совпадает с пакетом '
        'lifetimes с точностью 0,1%.',
    ),
    'clv.sample': (
        'The models are fitted on a fixed sample of {n} of the {total} customers (the first in the order of a hash '
        'of the customer id, the same on every run); each customer\'s prediction is then summed over all {total} '
        'by the database, with the ages in whole weeks (the sums then differ from summing each customer by less '
        'than a millionth). The histogram is the sample\'s, counted for all customers.',
        'Модели оценены на постоянной выборке из {n} клиентов из {total} (первые в порядке хеша номера клиента, '
        'одинаково при каждом расчёте); затем база данных суммирует прогнозы по всем {total} клиентам, возраст '
        'клиента — в целых неделях (суммы отличаются от суммы по каждому клиенту меньше чем на миллионную долю). '
        'Гистограмма построена по выборке и пересчитана на всех клиентов.',
    ),
    'clv.fit_failed': (
        'Predicted CLV cannot be fitted on these customers: {reason}. Widen the filters.',
        'Прогнозную CLV не удаётся оценить на этих клиентах: {reason}. Расширьте фильтры.',
    ),
    'value.title': ('What a promoter and a complaint resolved on time are worth', 'Сколько стоят промоутер и жалоба, решённая в срок'),
    'value.nps.caption': (
        'Customers grouped by how they rated their first purchase (answers within 8 days of it); first-year values '
        'of customers acquired at least a year before the as-of day. Later answers are not used: customers who keep '
        'buying are asked more often.',
        'Клиенты сгруппированы по оценке первой покупки (ответ в течение 8 дней после неё); ценность первого года '
        'для клиентов, привлечённых не позже чем за год до даты. Более поздние ответы не используются: тех, кто '
        'продолжает покупать, опрашивают чаще.',
    ),
    'value.promoter_vs_detractor': ('A promoter vs a detractor', 'Промоутер против критика'),
    'value.fast_vs_slow': ('A complaint resolved within {hours} h vs late', 'Жалоба, решённая за {hours} ч, против поздней'),
    'col.nps_group': ('First-purchase rating', 'Оценка первой покупки'),
    'nps.promoter': ('Promoters (9–10)', 'Промоутеры (9–10)'),
    'nps.passive': ('Passives (7–8)', 'Нейтральные (7–8)'),
    'nps.detractor': ('Detractors (0–6)', 'Критики (0–6)'),
    'col.repeat_rate': ('Bought again within a year', 'Купили снова за год'),
    'col.gross_profit_12m': ('First-year gross profit', 'Валовая прибыль за первый год'),
    'col.referrals': ('Referrals per customer', 'Рекомендаций на клиента'),
    'col.value': ('Value incl. referrals', 'Ценность с рекомендациями'),
    'col.speed': ('Complaint resolved', 'Жалоба решена'),
    'speed.fast': ('Within the standard', 'В пределах стандарта'),
    'speed.slow': ('Late or not at all', 'С опозданием или не решена'),
    'col.complaints': ('Complaints', 'Жалобы'),
    'col.ordered_again': ('Ordered again within 12 months', 'Заказали снова за 12 месяцев'),
    'col.gp_after': ('Gross profit in the 12 months after', 'Валовая прибыль за 12 месяцев после'),
}
