-- macros: the formulas several metric files share — 95 % Wilson score bounds and Cohen's kappa for two binary raters.
create or replace macro wilson_low(x, n) as
    case when n > 0 then
        ((x / n) + 1.959963984540054::double ** 2 / (2 * n)
            - 1.959963984540054::double * sqrt((x / n) * (1 - x / n) / n + 1.959963984540054::double ** 2 / (4 * n * n)))
        / (1 + 1.959963984540054::double ** 2 / n)
    end;
create or replace macro wilson_high(x, n) as
    case when n > 0 then
        ((x / n) + 1.959963984540054::double ** 2 / (2 * n)
            + 1.959963984540054::double * sqrt((x / n) * (1 - x / n) / n + 1.959963984540054::double ** 2 / (4 * n * n)))
        / (1 + 1.959963984540054::double ** 2 / n)
    end;
-- n pairs, agree = pairs where both say block or both say pass, a_block / b_block = blocks per rater; null when pe = 1.
create or replace macro cohen_kappa(n, agree, a_block, b_block) as
    case when n > 0 and (a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n) < 1 then
        (agree / n - ((a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n)))
        / (1 - ((a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n)))
    end
