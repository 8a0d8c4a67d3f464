//! The ledger of splits, refunds and payouts, the transparency report, and the creator-share
//! metric.
//!
//! **Payouts** are recorded as the payment system made them (transaction, creator, amount),
//! beside the splits that say what creators are owed. The report then shows, per creator and in
//! total, owed, paid and shortfall (SPEC §10), and the `creator_share` metric the policy watches
//! is computed from money actually paid, so a payment system that underpays creators trips
//! `creator_sovereignty` like any other breach.
//!
//! Every record carries an id, a time `t` (seconds since the Unix epoch, used for calendar
//! periods), a currency and the parties' amounts. A split record is re-computed from its
//! terms by [`crate::split`], so the ledger holds what the rules produce, not what a caller
//! claims. The report groups by period and currency — amounts of different currencies are
//! never added together — and states the creators' share exactly (a reduced fraction) and for
//! display (a percentage truncated to two decimals, so it never overstates the creators'
//! share), and whether the 75% floor held in every transaction and overall.
//!
//! ```
//! use liberation_gates::ledger::{Ledger, Period};
//! use liberation_gates::split::SplitInput;
//! let mut l = Ledger::new();
//! l.record_split("tx1", 0.0, &SplitInput::new("100.00", "GBP").creator("alice", "1")).unwrap();
//! l.record_refund("r1", 10.0, "tx1", "10.00").unwrap();
//! let report = l.report(Period::All);
//! assert_eq!(report.rows[0].creator_total, "67.50");
//! assert_eq!(report.rows[0].creator_share, "3/4");
//! assert!(report.floor_held);
//! ```

use crate::error::SplitError;
use crate::money::{format_minor, Currency, Money};
use crate::split::{split, Refundable, Split, SplitInput};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A record in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The record's id, unique in the ledger.
    pub id: String,
    /// Seconds since the Unix epoch, as whole milliseconds (kept exact).
    pub t_millis: i64,
    /// Split, refund or payout.
    pub kind: RecordKind,
    /// The currency of every amount in the record.
    pub currency: Currency,
    /// The base of the creator share (gross, or gross − fee before split); negative for a refund.
    pub base: i128,
    /// The processor's fee, minor units (negative for a refund).
    pub fee: i128,
    /// Per creator, in order (negative amounts for refunds).
    pub creators: Vec<(String, i128)>,
    /// The platform's amount, minor units (negative for a refund).
    pub platform: i128,
    /// For refunds and payouts, the split refunded or paid.
    pub split_id: Option<String>,
    /// For payouts, what was paid to whom (minor units); empty otherwise.
    pub paid: Vec<(String, i128)>,
    /// Whether this transaction kept creators at or above 75% of its base (for a refund: whether
    /// creators still hold at least 75% of what the split has left).
    pub floor_held: bool,
}

/// A split, a refund, or a payout made by the payment system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A payment split between creators and the platform.
    Split,
    /// Part of a split returned to the payer.
    Refund,
    /// Money the payment system paid a creator for a split.
    Payout,
}

/// A line of a ledger file (JSON lines): a split's terms, or a refund of an earlier split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LedgerLine {
    /// `{"type": "split", "id", "t", …the split's terms}`.
    Split {
        /// The record's id.
        id: String,
        /// When it happened, seconds since the Unix epoch.
        t: f64,
        /// The split's terms.
        #[serde(flatten)]
        input: SplitInput,
    },
    /// `{"type": "refund", "id", "t", "split", "amount"}`.
    Refund {
        /// The record's id.
        id: String,
        /// When it happened, seconds since the Unix epoch.
        t: f64,
        /// The split refunded.
        split: String,
        /// How much, a decimal string in the split's currency.
        amount: String,
    },
    /// A payout the payment system made to `creator` for split `split`.
    Payout {
        /// The record's id.
        id: String,
        /// When it happened, seconds since the Unix epoch.
        t: f64,
        /// The split paid for.
        split: String,
        /// The creator paid.
        creator: String,
        /// How much, a decimal string in the split's currency.
        amount: String,
    },
}

impl LedgerLine {
    /// Parses one line of a ledger file. A field the line's type does not have is refused as
    /// `invalid_record`, naming it: a misspelt `"creatorShare": "0.9"` would otherwise be
    /// dropped and the split recorded at the default 0.75. (`deny_unknown_fields` cannot see
    /// through the flattened split terms, so the fields are checked here.)
    pub fn parse(line: &str) -> Result<LedgerLine, SplitError> {
        let bad = |m: String| SplitError::InvalidRecord(m);
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        if let Some(obj) = v.as_object() {
            let kind = obj.get("type").and_then(serde_json::Value::as_str);
            let allowed: &[&str] = match kind {
                Some("split") => &[
                    "type",
                    "id",
                    "t",
                    "gross",
                    "currency",
                    "creators",
                    "creator_share",
                    "fee",
                    "fee_mode",
                    "step",
                ],
                Some("refund") => &["type", "id", "t", "split", "amount"],
                Some("payout") => &["type", "id", "t", "split", "creator", "amount"],
                // An unknown or missing type is reported by serde below.
                _ => &[],
            };
            if let Some(k) = obj
                .keys()
                .find(|k| !allowed.is_empty() && !allowed.contains(&k.as_str()))
            {
                return Err(bad(format!(
                    "unknown field {k:?} in a {} line: expected {}",
                    kind.unwrap_or_default(),
                    allowed.join(", ")
                )));
            }
        }
        serde_json::from_value(v).map_err(|e| bad(e.to_string()))
    }

    /// The line's record id.
    pub fn id(&self) -> &str {
        match self {
            LedgerLine::Split { id, .. }
            | LedgerLine::Refund { id, .. }
            | LedgerLine::Payout { id, .. } => id,
        }
    }
}

/// A ledger line checked and computed by [`Ledger::prepare`], not yet recorded.
#[derive(Debug, Clone)]
pub struct Prepared {
    record: Record,
    /// The split's balances after this line (a new split's, or a refunded split's); `None`
    /// for a payout, which changes no balance.
    open: Option<Refundable>,
}

impl Prepared {
    /// The record that [`Ledger::commit`] will add.
    pub fn record(&self) -> &Record {
        &self.record
    }
}

/// The ledger.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    records: Vec<Record>,
    ids: HashMap<String, usize>,
    open: HashMap<String, Refundable>,
}

/// How the report groups records in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// One row per UTC day.
    Day,
    /// One row per UTC month.
    Month,
    /// One row for everything (the default).
    #[default]
    All,
}

impl Period {
    /// The period named by `name`, or [`Period::All`] when none is named.
    pub fn named(name: Option<&str>) -> Result<Period, SplitError> {
        name.map_or(Ok(Period::All), str::parse)
    }
}

impl std::str::FromStr for Period {
    type Err = SplitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Period::Day),
            "month" => Ok(Period::Month),
            "all" => Ok(Period::All),
            other => Err(SplitError::InvalidRecord(format!(
                "unknown period {other:?}: expected day, month or all"
            ))),
        }
    }
}

/// One row of the report: one period and one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// The period (`"2026-01-01"`, `"2026-01"` or `"all"`).
    pub period: String,
    /// The currency of the row's amounts.
    pub currency: String,
    /// Splits recorded in the period.
    pub transactions: u64,
    /// Refunds recorded in the period.
    pub refunds: u64,
    /// Gross paid, net of refunds.
    pub gross: String,
    /// Processors' fees, net of refunds.
    pub fees: String,
    /// Refunded in the period.
    pub refunded: String,
    /// What creators received, net of refunds.
    pub creator_total: String,
    /// What the platform received, net of refunds.
    pub platform_total: String,
    /// Net creator total ÷ net base, as a reduced fraction (`"3/4"`), or `"0/0"` with no base.
    pub creator_share: String,
    /// The same, as a percentage truncated to two decimals (`"75.00"`).
    pub creator_share_percent: String,
    /// Whether every transaction in the row kept creators at or above 75%.
    pub floor_held_every_transaction: bool,
    /// Whether the row's net totals keep creators at or above 75%.
    pub floor_held_overall: bool,
    /// Net per-creator totals, by id.
    pub creators: BTreeMap<String, String>,
    /// Owed, paid and shortfall, when payouts were recorded for the row's transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<PaidSummary>,
}

/// What the payment system paid against what the splits say creators are owed (SPEC §10),
/// for one row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidSummary {
    /// Payout records counted.
    pub payouts: u64,
    /// What creators are owed, net of refunds.
    pub owed_total: String,
    /// Paid in all.
    pub paid_total: String,
    /// Σ per creator of `max(owed − paid, 0)`: an overpaid creator does not cover another.
    pub shortfall_total: String,
    /// Paid ÷ base, truncated to 4 decimal places (`None` with no base).
    pub creator_share_paid: Option<String>,
    /// Whether money actually paid kept creators at or above 75% of the base.
    pub floor_held: bool,
    /// Per creator, by id.
    pub creators: BTreeMap<String, PaidLine>,
}

/// One creator's owed, paid and shortfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidLine {
    /// What the splits owe the creator.
    pub owed: String,
    /// What payouts paid the creator.
    pub paid: String,
    /// Owed minus paid, never below zero.
    pub shortfall: String,
}

/// The transparency report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransparencyReport {
    /// The period the rows cover.
    pub period: Period,
    /// How pools are divided between creators: `"largest_remainder"`.
    pub allocation_method: &'static str,
    /// One row per period and currency.
    pub rows: Vec<ReportRow>,
    /// Every row held the floor in every transaction and overall, and, in a row with
    /// payouts, in the money actually paid.
    pub floor_held: bool,
}

fn millis(t: f64) -> Result<i64, SplitError> {
    if !t.is_finite() || t.abs() > 1e14 {
        return Err(SplitError::InvalidRecord(format!(
            "time t must be a finite number of seconds, got {t}"
        )));
    }
    Ok((t * 1000.0).round() as i64)
}

fn floor_held(creators: i128, base: i128) -> bool {
    creators * 100 >= base * 75
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// The records, in the order recorded.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    fn check_id(&self, id: &str) -> Result<(), SplitError> {
        if id.is_empty() || self.ids.contains_key(id) {
            return Err(SplitError::InvalidRecord(format!(
                "record id {id:?} is empty or already used"
            )));
        }
        Ok(())
    }

    /// Computes a split from its terms and records it.
    pub fn record_split(
        &mut self,
        id: &str,
        t: f64,
        input: &SplitInput,
    ) -> Result<Split, SplitError> {
        let (record, s) = self.prepare_split(id, t, input)?;
        let open = Some(Refundable::new(&s));
        self.commit(Prepared { record, open });
        Ok(s)
    }

    fn prepare_split(
        &self,
        id: &str,
        t: f64,
        input: &SplitInput,
    ) -> Result<(Record, Split), SplitError> {
        self.check_id(id)?;
        let t_millis = millis(t)?;
        let s = split(input)?;
        let base = (s.creator_total.minor() + s.platform.minor()) as i128
            + if s.fee_mode == crate::split::FeeMode::Platform {
                s.fee.minor() as i128
            } else {
                0
            };
        let creators: Vec<(String, i128)> = s
            .creators
            .iter()
            .map(|p| (p.id.clone(), p.amount.minor() as i128))
            .collect();
        let record = Record {
            id: id.to_string(),
            t_millis,
            kind: RecordKind::Split,
            currency: s.currency,
            base,
            fee: s.fee.minor() as i128,
            platform: s.platform.minor() as i128,
            floor_held: floor_held(s.creator_total.minor() as i128, base),
            creators,
            split_id: None,
            paid: Vec::new(),
        };
        Ok((record, s))
    }

    /// Refunds `amount` of split `split_id` (SPEC §1 refunds) and records it.
    /// `invalid_record` for an unknown split, `refund_exceeds_balance` above what remains.
    pub fn record_refund(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        amount: &str,
    ) -> Result<crate::split::Refund, SplitError> {
        let (prepared, r) = self.prepare_refund(id, t, split_id, amount)?;
        self.commit(prepared);
        Ok(r)
    }

    fn prepare_refund(
        &self,
        id: &str,
        t: f64,
        split_id: &str,
        amount: &str,
    ) -> Result<(Prepared, crate::split::Refund), SplitError> {
        self.check_id(id)?;
        let t_millis = millis(t)?;
        // Refunded on a copy of the balances: nothing changes until the record is committed.
        let mut open = self
            .open
            .get(split_id)
            .ok_or_else(|| {
                SplitError::InvalidRecord(format!("refund {id:?} names unknown split {split_id:?}"))
            })?
            .clone();
        let r = open.refund_str(amount)?;
        let creators: Vec<(String, i128)> = r
            .creators
            .iter()
            .map(|p| (p.id.clone(), -(p.amount.minor() as i128)))
            .collect();
        let record = Record {
            id: id.to_string(),
            t_millis,
            kind: RecordKind::Refund,
            currency: r.amount.currency(),
            base: -(r.amount.minor() as i128),
            fee: 0,
            platform: -(r.platform.minor() as i128),
            // Whether creators still hold at least 75% of what the split has left.
            floor_held: {
                let (kept, left) = open.remaining_minor();
                floor_held(kept as i128, left as i128)
            },
            creators,
            split_id: Some(split_id.to_string()),
            paid: Vec::new(),
        };
        Ok((
            Prepared {
                record,
                open: Some(open),
            },
            r,
        ))
    }

    /// Records a payout the payment system made: `amount` (major units, the split's currency)
    /// paid to `creator` for split `split_id`. `invalid_record` for an unknown split or a used
    /// id, `invalid_amount` for a bad amount, `unknown_creator` for someone the split does not
    /// name. Several payouts to one creator for one split add up.
    pub fn record_payout(
        &mut self,
        id: &str,
        t: f64,
        split_id: &str,
        creator: &str,
        amount: &str,
    ) -> Result<Money, SplitError> {
        let p = self.prepare_payout(id, t, split_id, creator, amount)?;
        let paid = p.record.paid[0].1 as u128;
        let currency = p.record.currency;
        self.commit(p);
        Money::from_minor(paid, currency)
    }

    fn prepare_payout(
        &self,
        id: &str,
        t: f64,
        split_id: &str,
        creator: &str,
        amount: &str,
    ) -> Result<Prepared, SplitError> {
        self.check_id(id)?;
        let t_millis = millis(t)?;
        let split = self
            .ids
            .get(split_id)
            .map(|&i| &self.records[i])
            .filter(|r| r.kind == RecordKind::Split)
            .ok_or_else(|| {
                SplitError::InvalidRecord(format!("payout {id:?} names unknown split {split_id:?}"))
            })?;
        let paid = Money::parse_named(amount, split.currency, &format!("payout {id:?} amount"))?;
        if !split.creators.iter().any(|(c, _)| c == creator) {
            return Err(SplitError::UnknownCreator(format!(
                "payout {id:?}: {creator:?} is not a creator of split {split_id:?}"
            )));
        }
        Ok(Prepared {
            record: Record {
                id: id.to_string(),
                t_millis,
                kind: RecordKind::Payout,
                currency: split.currency,
                base: 0,
                fee: 0,
                creators: Vec::new(),
                platform: 0,
                split_id: Some(split_id.to_string()),
                paid: vec![(creator.to_string(), paid.minor() as i128)],
                floor_held: true,
            },
            open: None,
        })
    }

    /// Checks a line against the ledger and computes its record without recording it;
    /// [`commit`](Self::commit) records it. A durable store writes the line between the two,
    /// so a line is in the store if and only if it is in the ledger.
    pub fn prepare(&self, line: &LedgerLine) -> Result<Prepared, SplitError> {
        match line {
            LedgerLine::Split { id, t, input } => {
                let (record, s) = self.prepare_split(id, *t, input)?;
                Ok(Prepared {
                    record,
                    open: Some(Refundable::new(&s)),
                })
            }
            LedgerLine::Refund {
                id,
                t,
                split,
                amount,
            } => self.prepare_refund(id, *t, split, amount).map(|(p, _)| p),
            LedgerLine::Payout {
                id,
                t,
                split,
                creator,
                amount,
            } => self.prepare_payout(id, *t, split, creator, amount),
        }
    }

    /// Records a line prepared by [`prepare`](Self::prepare) on this ledger, with no record
    /// added in between.
    pub fn commit(&mut self, p: Prepared) {
        if let Some(open) = p.open {
            let open_key = match p.record.kind {
                RecordKind::Split => p.record.id.clone(),
                RecordKind::Refund | RecordKind::Payout => {
                    p.record.split_id.clone().unwrap_or_default()
                }
            };
            self.open.insert(open_key, open);
        }
        self.ids.insert(p.record.id.clone(), self.records.len());
        self.records.push(p.record);
    }

    /// Applies one parsed ledger line.
    pub fn apply(&mut self, line: &LedgerLine) -> Result<(), SplitError> {
        let p = self.prepare(line)?;
        self.commit(p);
        Ok(())
    }

    /// Reads a JSON-lines ledger (see [`read_lines`]). An error names its line and keeps its
    /// true kind: a refund larger than its split's balance on line 7 is
    /// `refund_exceeds_balance` with [`Error::line`](crate::Error::line) = 7.
    pub fn from_jsonl(text: &str) -> Result<Ledger, crate::Error> {
        Ledger::read(text.as_bytes())
    }

    /// Reads a JSON-lines ledger one line at a time, in constant memory beyond the ledger.
    pub fn read<R: std::io::BufRead>(reader: R) -> Result<Ledger, crate::Error> {
        let mut l = Ledger::new();
        for line in read_lines(reader) {
            let (n, parsed) = line?;
            l.apply(&parsed)
                .map_err(|e| crate::Error::from(e).at_line(n))?;
        }
        Ok(l)
    }

    /// The currency of the split recorded as `split_id` (bindings need it to read integer
    /// minor units for a refund or payout of that split).
    pub fn split_currency(&self, split_id: &str) -> Option<Currency> {
        self.ids
            .get(split_id)
            .map(|&i| &self.records[i])
            .filter(|r| r.kind == RecordKind::Split)
            .map(|r| r.currency)
    }

    /// Whether any payout has been recorded.
    pub fn has_payouts(&self) -> bool {
        self.records.iter().any(|r| r.kind == RecordKind::Payout)
    }

    /// The time (milliseconds) of the split a record belongs to: its own, or for a refund or
    /// payout the split's it names.
    fn split_millis(&self, r: &Record) -> i64 {
        r.split_id
            .as_ref()
            .and_then(|s| self.ids.get(s))
            .map_or(r.t_millis, |&i| self.records[i].t_millis)
    }

    /// The creators' share of the base over the transactions with `t` in `(now − window, now]`
    /// in `currency`: the `creator_share` metric the default policy's `creator_sovereignty`
    /// rule reads. `None` when there is no base in the window.
    ///
    /// Once any payout is recorded, the share is of **money actually paid**: the payouts
    /// recorded up to `now` for those transactions over their base, truncated to 4 decimal
    /// places as SPEC §10's `creator_share_paid`. Until then it is the split arithmetic's.
    pub fn creator_share(&self, now: f64, window_seconds: f64, currency: Currency) -> Option<f64> {
        let (hi, lo) = (millis(now).ok()?, millis(now - window_seconds).ok()?);
        let paid_mode = self.has_payouts();
        let (mut c, mut b, mut paid) = (0i128, 0i128, 0i128);
        for r in self.records.iter().filter(|r| r.currency == currency) {
            let in_window = |t: i64| t > lo && t <= hi;
            match r.kind {
                RecordKind::Payout if r.t_millis <= hi && in_window(self.split_millis(r)) => {
                    paid += r.paid.iter().map(|(_, a)| a).sum::<i128>();
                }
                RecordKind::Payout => {}
                _ if in_window(r.t_millis) => {
                    c += r.creators.iter().map(|(_, a)| a).sum::<i128>();
                    b += r.base;
                }
                _ => {}
            }
        }
        if b <= 0 {
            return None;
        }
        if paid_mode {
            let share = crate::audit::share_paid(paid.max(0) as u128, b as u128)?;
            return share.parse().ok();
        }
        Some(c as f64 / b as f64)
    }

    /// The transparency report by `period`.
    pub fn report(&self, period: Period) -> TransparencyReport {
        let groups = self.totals(period);
        let mut all_held = true;
        let rows = groups
            .into_iter()
            .map(|((period, c), a)| {
                let m = |x: i128| {
                    let mut s = String::new();
                    if x < 0 {
                        s.push('-');
                    }
                    let _ = format_minor(&mut s, x.unsigned_abs(), c.digits());
                    s
                };
                let overall = floor_held(a.creators, a.base);
                all_held &= overall && a.every;
                let paid = (a.payouts > 0).then(|| {
                    let creators: BTreeMap<String, PaidLine> = a
                        .per
                        .iter()
                        .map(|(id, &owed)| (id, owed, a.paid.get(id).copied().unwrap_or(0)))
                        .chain(
                            a.paid
                                .iter()
                                .filter(|(id, _)| !a.per.contains_key(*id))
                                .map(|(id, &p)| (id, 0, p)),
                        )
                        .map(|(id, owed, p)| {
                            let line = PaidLine {
                                owed: m(owed),
                                paid: m(p),
                                shortfall: m((owed - p).max(0)),
                            };
                            (id.clone(), line)
                        })
                        .collect();
                    let total: i128 = a.paid.values().sum();
                    let shortfall: i128 = a
                        .per
                        .iter()
                        .map(|(id, &owed)| (owed - a.paid.get(id).copied().unwrap_or(0)).max(0))
                        .sum();
                    let paid_floor = floor_held(total, a.base);
                    all_held &= paid_floor;
                    PaidSummary {
                        payouts: a.payouts,
                        owed_total: m(a.creators),
                        paid_total: m(total),
                        shortfall_total: m(shortfall),
                        creator_share_paid: (a.base > 0)
                            .then(|| crate::audit::share_paid(total.max(0) as u128, a.base as u128))
                            .flatten(),
                        floor_held: paid_floor,
                        creators,
                    }
                });
                ReportRow {
                    period,
                    currency: c.code().to_string(),
                    transactions: a.tx,
                    refunds: a.refunds,
                    gross: m(a.gross),
                    fees: m(a.fees),
                    refunded: m(a.refunded),
                    creator_total: m(a.creators),
                    platform_total: m(a.platform),
                    creator_share: fraction(a.creators, a.base),
                    creator_share_percent: percent(a.creators, a.base),
                    floor_held_every_transaction: a.every,
                    floor_held_overall: overall,
                    creators: a.per.into_iter().map(|(k, v)| (k, m(v))).collect(),
                    paid,
                }
            })
            .collect();
        TransparencyReport {
            period,
            allocation_method: "largest_remainder",
            rows,
            floor_held: all_held,
        }
    }
}

/// A report row's sums in integer minor units, before they are written as text.
#[derive(Default)]
struct Acc {
    tx: u64,
    refunds: u64,
    gross: i128,
    fees: i128,
    refunded: i128,
    creators: i128,
    platform: i128,
    base: i128,
    every: bool,
    per: BTreeMap<String, i128>,
    payouts: u64,
    paid: BTreeMap<String, i128>,
}

impl Ledger {
    /// The records summed by period label and currency, in minor units.
    fn totals(&self, period: Period) -> BTreeMap<(String, Currency), Acc> {
        let mut groups: BTreeMap<(String, Currency), Acc> = BTreeMap::new();
        for r in &self.records {
            // A refund counts in the period it happens in; a payout beside the split it pays,
            // so that owed and paid meet in one row.
            let when = match r.kind {
                RecordKind::Payout => self.split_millis(r),
                _ => r.t_millis,
            };
            let key = (period_label(period, when), r.currency);
            let a = groups.entry(key).or_insert_with(|| Acc {
                every: true,
                ..Default::default()
            });
            let creators: i128 = r.creators.iter().map(|(_, x)| x).sum();
            match r.kind {
                RecordKind::Split => {
                    a.tx += 1;
                    a.gross += creators + r.platform + r.fee;
                    a.fees += r.fee;
                }
                RecordKind::Refund => {
                    a.refunds += 1;
                    a.refunded -= r.base;
                }
                RecordKind::Payout => {
                    a.payouts += 1;
                    for (id, x) in &r.paid {
                        *a.paid.entry(id.clone()).or_default() += x;
                    }
                    continue;
                }
            }
            a.creators += creators;
            a.platform += r.platform;
            a.base += r.base;
            a.every &= r.floor_held;
            for (id, x) in &r.creators {
                *a.per.entry(id.clone()).or_default() += x;
            }
        }
        groups
    }
}

/// What a creator-facing page shows for one currency: the creators' share against the 75%
/// floor, and what each creator received (net of refunds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SovereigntySummary {
    /// The currency summarised.
    pub currency: String,
    /// Splits recorded.
    pub transactions: u64,
    /// Refunds recorded.
    pub refunds: u64,
    /// Gross paid, net of refunds.
    pub gross: String,
    /// What creators received, net of refunds.
    pub creator_total: String,
    /// What the platform received, net of refunds.
    pub platform_total: String,
    /// The creators' share of the base, exact (a reduced fraction such as `"3/4"`).
    pub creator_share: String,
    /// The same as a percentage truncated to two decimals (`"81.39"`).
    pub creator_share_percent: String,
    /// The floor, `"75.00"` percent.
    pub floor_percent: String,
    /// The floor held in every transaction and overall.
    pub floor_held: bool,
    /// Per creator: id, net amount, and share of the creators' total (percent, truncated).
    pub creators: Vec<CreatorLine>,
    /// Owed, paid and shortfall, when payouts were recorded (SPEC §10).
    pub paid: Option<PaidSummary>,
}

/// One creator in a [`SovereigntySummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatorLine {
    /// The creator.
    pub id: String,
    /// What the creator received, net of refunds.
    pub amount: String,
    /// The creator's part of everything creators received, a percentage truncated to 2 places.
    pub share_of_creators_percent: String,
}

impl Ledger {
    /// The sovereignty summary of all records in `currency` (`None` if there are none).
    pub fn sovereignty_summary(&self, currency: Currency) -> Option<SovereigntySummary> {
        let report = self.report(Period::All);
        let row = report
            .rows
            .into_iter()
            .find(|r| r.currency == currency.code())?;
        // The shares from the minor-unit sums the row's text was written from.
        let sums = self
            .totals(Period::All)
            .remove(&(period_label(Period::All, 0), currency))?;
        // Both are keyed by creator id in the same order: the row's text was written from sums.
        let creators = row
            .creators
            .iter()
            .zip(&sums.per)
            .map(|((id, amount), (_, &minor))| CreatorLine {
                id: id.clone(),
                amount: amount.clone(),
                share_of_creators_percent: percent(minor, sums.creators),
            })
            .collect();
        Some(SovereigntySummary {
            currency: row.currency,
            transactions: row.transactions,
            refunds: row.refunds,
            gross: row.gross,
            creator_total: row.creator_total,
            platform_total: row.platform_total,
            creator_share: row.creator_share,
            creator_share_percent: row.creator_share_percent,
            floor_percent: "75.00".into(),
            floor_held: row.floor_held_every_transaction && row.floor_held_overall,
            creators,
            paid: row.paid,
        })
    }

    /// The currencies present, sorted.
    pub fn currencies(&self) -> Vec<Currency> {
        let mut c: Vec<Currency> = self.records.iter().map(|r| r.currency).collect();
        c.sort();
        c.dedup();
        c
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn fraction(n: i128, d: i128) -> String {
    if d <= 0 {
        return "0/0".into();
    }
    let g = gcd(n.unsigned_abs(), d as u128).max(1);
    format!("{}/{}", n / g as i128, d / g as i128)
}

/// `n / d` as a percentage with two decimals, truncated toward zero.
fn percent(n: i128, d: i128) -> String {
    if d <= 0 {
        return "0.00".into();
    }
    let basis_points = n * 10_000 / d;
    let mut s = String::new();
    let _ = format_minor(&mut s, basis_points.max(0) as u128, 2);
    s
}

/// `YYYY-MM-DD`, `YYYY-MM`, or `all`.
fn period_label(p: Period, t_millis: i64) -> String {
    if p == Period::All {
        return "all".into();
    }
    let days = t_millis.div_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    match p {
        Period::Day => format!("{y:04}-{m:02}-{d:02}"),
        _ => format!("{y:04}-{m:02}"),
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

impl TransparencyReport {
    /// The report as CSV: one line per period and currency (per-creator totals are in the JSON
    /// form and in [`creators_csv`](Self::creators_csv)).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("period,currency,transactions,refunds,gross,fees,refunded,creator_total,platform_total,creator_share,creator_share_percent,floor_held_every_transaction,floor_held_overall\n");
        for r in &self.rows {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                r.period,
                r.currency,
                r.transactions,
                r.refunds,
                r.gross,
                r.fees,
                r.refunded,
                r.creator_total,
                r.platform_total,
                r.creator_share,
                r.creator_share_percent,
                r.floor_held_every_transaction,
                r.floor_held_overall
            ));
        }
        out
    }

    /// Per-creator totals as CSV: `period,currency,creator,amount`.
    pub fn creators_csv(&self) -> String {
        let mut out = String::from("period,currency,creator,amount\n");
        for r in &self.rows {
            for (id, amount) in &r.creators {
                out.push_str(&format!(
                    "{},{},{},{}\n",
                    r.period,
                    r.currency,
                    csv_field(id),
                    amount
                ));
            }
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Reads ledger lines one at a time: each item is a line's 1-based number and its
/// [`LedgerLine`], or the line's error (`invalid_record` with the line). Blank lines and lines
/// starting with `#` are skipped.
///
/// ```
/// use liberation_gates::ledger::read_lines;
/// let text = "# payouts of March\n\n{\"t\": 1, \"kind\": \"refund\"}\n";
/// let e = read_lines(text.as_bytes()).next().unwrap().unwrap_err();
/// assert_eq!((e.kind(), e.line()), ("invalid_record", Some(3)));
/// ```
pub fn read_lines<R: std::io::BufRead>(
    reader: R,
) -> impl Iterator<Item = Result<(usize, LedgerLine), crate::Error>> {
    reader.lines().enumerate().filter_map(|(i, line)| {
        let n = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                let e = SplitError::InvalidRecord(format!("could not read the line: {e}"));
                return Some(Err(crate::Error::from(e).at_line(n)));
            }
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return None;
        }
        Some(
            LedgerLine::parse(trimmed)
                .map(|l| (n, l))
                .map_err(|e| crate::Error::from(e).at_line(n)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_reports_whether_creators_still_hold_the_floor() {
        // 0.04 split: creator 0.03, platform 0.01. Refunding 0.01 by largest remainder takes
        // it from the creator (quota 0.0075 against 0.0025): 0.02 of 0.03 left is under 75%.
        let mut l = Ledger::new();
        l.record_split("s", 0.0, &SplitInput::new("0.04", "GBP").creator("c", "1"))
            .unwrap();
        l.record_refund("r", 1.0, "s", "0.01").unwrap();
        assert!(l.records()[0].floor_held);
        assert!(!l.records()[1].floor_held);
        assert!(!l.report(Period::All).floor_held);
        // A refund in proportion keeps it: 100.00 split, 40.00 refunded leaves 45.00 of 60.00.
        let mut l = Ledger::new();
        l.record_split(
            "s",
            0.0,
            &SplitInput::new("100.00", "GBP").creator("c", "1"),
        )
        .unwrap();
        l.record_refund("r", 1.0, "s", "40.00").unwrap();
        assert!(l.records()[1].floor_held);
        // All refunded: nothing left, nothing below the floor.
        l.record_refund("r2", 2.0, "s", "60.00").unwrap();
        assert!(l.records()[2].floor_held && l.report(Period::All).floor_held);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn currencies_are_never_added_together() {
        let mut l = Ledger::new();
        l.record_split("a", 0.0, &SplitInput::new("10.00", "GBP").creator("x", "1"))
            .unwrap();
        l.record_split("b", 1.0, &SplitInput::new("1000", "JPY").creator("x", "1"))
            .unwrap();
        let r = l.report(Period::All);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            r.rows
                .iter()
                .map(|r| r.currency.as_str())
                .collect::<Vec<_>>(),
            ["GBP", "JPY"]
        );
    }

    #[test]
    fn full_refund_zeroes_the_row() {
        let mut l = Ledger::new();
        l.record_split(
            "a",
            0.0,
            &SplitInput::new("10.00", "GBP")
                .creator("x", "1")
                .creator("y", "2")
                .fee("0.30", "platform"),
        )
        .unwrap();
        l.record_refund("r1", 1.0, "a", "3.33").unwrap();
        l.record_refund("r2", 2.0, "a", "6.37").unwrap();
        assert_eq!(
            l.record_refund("r3", 3.0, "a", "0.01").unwrap_err().kind(),
            "refund_exceeds_balance"
        );
        let row = &l.report(Period::All).rows[0];
        assert_eq!(row.creator_total, "0.00");
        assert_eq!(row.platform_total, "0.00");
        assert_eq!(row.creators.values().collect::<Vec<_>>(), ["0.00", "0.00"]);
    }
}
