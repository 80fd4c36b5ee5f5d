"""English polarity lexicon for reviews of a home-goods retailer (words, not stems).

Entries are separated by commas; an entry of several words is a phrase matched as a
whole. Each entry is stemmed when the classifier is built, so one form of a word
usually covers its inflections. Weights: strong ±2, plain ±1, weak ±0.5. NEUTRAL
entries mark a lukewarm verdict ("okay", "average").
"""

POSITIVE_STRONG = """
excellent, superb, perfect, perfectly, outstanding, brilliant, wonderful, fantastic, amazing, awesome, delighted, thrilled, ecstatic, adore, adored,
love, loved, lovely, gorgeous, beautiful, best, impressive, impressed, exceptional, flawless, top service,
highly recommend, recommend, recommended, five stars, 5 stars, worth every, thank you, thanks, grateful,
exceeded, super happy, very happy,
absolutely love, will definitely, definitely shop, much appreciated
"""

POSITIVE = """
good, great, nice, happy, pleased, glad, satisfied, comfortable, comfy, soft, cosy, cozy, sturdy, solid, stylish,
elegant, pretty, friendly, polite, helpful, kind, thoughtful, courteous, professional, professionally, careful,
carefully, neat, neatly, tidy, punctual, prompt, promptly, quick, quickly, fast, speedy, efficient, easy, easily,
smooth, smoothly, convenient, reliable, fair, affordable, reasonable, value, well made, well packed, well designed,
well organised, well organized, fun, enjoy, enjoyed, cheerful, bright, spot on, effortless, hassle-free, hassle free, on time, on schedule, in time,
accurate, clear, intact, fits perfectly, fit perfectly, appreciate, appreciated, liked, like it, warm, premium,
high quality, recommend them, will be back, shop here again, buy again, order again,
sorted out, sorted, fixed, resolved, solved, quick refund, money back, got my money, no hassle, without any hassle,
no fuss, surprise, practical, knowledgeable, advice, helped, help me, updated, communication,
finally, worth, bargain, budget
"""

POSITIVE_WEAK = """
fine, okay, ok, decent, acceptable, works, correct, as described, as expected, as agreed, enough, normal, standard
"""

NEGATIVE_STRONG = """
terrible, awful, horrible, dreadful, appalling, disgusting, worst, useless, never again, rude, scam, joke, avoid,
disappointed, disappointing, disappointment, waste of, waste, regret, furious, unacceptable, nightmare, hung up,
misleading, don't waste, won't buy, wouldn't buy, never arrived, never turned up, never showed up,
never received, broken, smashed, cracked, faulty, defective, fell apart, falls apart, fall apart, ruined,
not worth, overpriced, rip off, rip-off, hate, hated, shoddy, refused, blamed, blame, lost my, never came,
never got, still waiting, still don't, still no, still haven't, unhappy, angry, poor quality,
poorly made
"""

NEGATIVE = """
bad, poor, poorly, slow, late, delay, delayed, problem, problems, issue, issues, damaged, damage, scratch,
scratched, scratches, dent, dented, chipped, chip, crack, stain, stained, wobble, wobbles, wobbly, creak, creaks,
peel, peels, peeling, pilled, pilling, shed, sheds, smell, smells, stink, stiff, thin, flimsy, uneven, missing,
wrong, mistake, mixed up, lost, cancelled, on hold, nobody answered, nobody answers, no one answered, nobody replied, no one replied,
nobody called, no one called, nobody came, no one came, ignored, ignore, ignores, no reply, no answer, no response, nobody, no one, template,
unfriendly, unhelpful, dirty, cluttered, messy, complain, complaint, complaints, queue, queues,
wait, waited, waiting, stopped working, doesn't work, don't work, not working, doesn't close,
won't close, don't line up, fault, snapped, torn, crashed, crash, expensive, overcharged,
cheap, sagging, sag, break, broke, leak, leaks, rough, hard to, difficult, confusing, unclear, disappointing,
uncomfortable, noisy, loud, fails, failed, failure, excessive, lumpy,
not happy, not good, unusable, ripped, rip, torn apart, split, mess, crooked, disappeared,
vanished, faded, fade, frayed, leaking, dusty, wrong item, badly, dismissive
"""

NEGATIVE_WEAK = """
could be better, could have been better, a bit, slightly, limited, small, smaller, higher, pricey, busy, short, shorter, longer,
moderate, modest
"""

NEUTRAL = """
okay, ok, average, fine, decent, normal, ordinary, standard, regular, nothing special, nothing bad, not great,
not bad, medium, moderate, so-so, mixed feelings, mixed, acceptable, expected, as expected, it's fine,
too early, can't say, cannot say, will see, yet, so far, does the job, do the job, nothing more, plain, simple, enough, modest
"""

NEGATORS = """
not, no, never, nothing, nobody, none, without, hardly, neither, nor, cannot, can't, don't, doesn't, didn't,
won't, wasn't, isn't, aren't, haven't, hasn't, shouldn't, wouldn't, couldn't, not a single, not one, zero
"""

INTENSIFIERS = """
very, really, so, extremely, absolutely, totally, completely, incredibly, super, truly, highly, deeply, utterly,
at all, such, most, especially
"""

# the part after these words decides; the part before counts less
CONTRAST_AFTER = "but, however, otherwise"
# these words open a concession: the clause they open counts less
CONCESSION = "though, although, even though, despite, while"
