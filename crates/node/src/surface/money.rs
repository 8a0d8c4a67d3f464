// The JavaScript surface of money — splits, audits, refunds and the ledger — described once
// for Node and WASM (see `gates.rs` beside it for how). Money crosses as a decimal string or
// a bigint of minor units (`Money`, read by the package's `money`); a number is a TypeError.
macro_rules! money {
    ($js:ident, $arg:ident, $opt:ident, $ret:ident) => {
        /// A currency argument (ISO 4217).
        fn currency_arg(code: &Text) -> Result<core::money::Currency> {
            core::money::Currency::from_code(&text(code, "currency")?).map_err(err)
        }

        /// A split request from JS arguments (without `gross`, the terms [`SplitTerms`]
        /// prepares): money read by the package's `money`, creators and the other options
        /// through the core's serde types; an unknown key is refused by name.
        pub(crate) fn split_input(
            gross: Option<&Money<'_>>,
            currency: &str,
            creators: Obj<'_>,
            options: Option<Obj<'_>>,
        ) -> Result<core::split::SplitInput> {
            let mut input = core::split::SplitInput {
                gross: gross.map(|g| money(g, currency, "gross")).transpose()?.unwrap_or_default(),
                currency: currency.to_string(),
                creators: creator_args(creators)?.into_iter().map(Into::into).collect(),
                ..Default::default()
            };
            let Some(o) = present(options) else { return Ok(input) };
            known_keys(&o, &core::split::SPLIT_OPTIONS, "split option")?;
            let amount = |k: &str| field(&o, k)?.map(|v| money(&v, currency, k)).transpose();
            (input.fee, input.step) = (amount("fee")?, amount("step")?);
            let terms = split_terms(o)?;
            input.creator_share = terms.creator_share.map(|s| s.text());
            input.fee_mode = terms.fee_mode;
            Ok(input)
        }
        /// Splits a payment so creators keep at least 75% (SPEC §1): `{currency, gross,
        /// creators: [{id, amount}], platform, fee, creatorTotal, creatorShare, feeMode,
        /// method}`.
        #[$js($ret = "SplitResult")]
        pub fn split(
            #[$js($arg = "Money")] gross: Money<'_>,
            #[$js($arg = "string")] currency: Text,
            #[$js($arg = "CreatorArg[]")] creators: Obj<'_>,
            #[$js($opt = "SplitOptions | null")] options: Option<Obj<'_>>,
        ) -> Result<Out> {
            let currency = text(&currency, "currency")?;
            let input = split_input(Some(&gross), &currency, creators, options)?;
            out(&core::split::split(&input).map_err(err)?)
        }

        /// Audits payouts made elsewhere (`paid`: `[{id, amount}]`) against the split that
        /// says what creators are owed (SPEC §10).
        #[$js($ret = "AuditResult")]
        pub fn audit(
            #[$js($arg = "Money")] gross: Money<'_>,
            #[$js($arg = "string")] currency: Text,
            #[$js($arg = "CreatorArg[]")] creators: Obj<'_>,
            #[$js($arg = "PaidArg[]")] paid: Obj<'_>,
            #[$js($opt = "SplitOptions | null")] options: Option<Obj<'_>>,
        ) -> Result<Out> {
            out(&audit_of(&gross, &text(&currency, "currency")?, creators, paid, options)?)
        }

        /// The audit of `audit()`'s arguments (also Node's `Metrics.recordAudit`).
        pub(crate) fn audit_of(
            gross: &Money<'_>,
            currency: &str,
            creators: Obj<'_>,
            paid: Obj<'_>,
            options: Option<Obj<'_>>,
        ) -> Result<core::audit::PayoutAudit> {
            let input = split_input(Some(gross), currency, creators, options)?;
            let split = core::split::split(&input).map_err(err)?;
            let paid = paid_list(paid, currency)?;
            core::audit::audit_split(&split, &paid).map_err(err)
        }

        /// Audits a payout file's text (JSON lines `{id, amount}`) against a split terms
        /// file's text (the CLI's `audit --split --paid`); an error in the payouts names its
        /// line.
        #[$js(js_name = "auditFiles", $ret = "AuditResult")]
        pub fn audit_files(
            #[$js($arg = "string")] split_terms: Text,
            #[$js($arg = "string")] paid: Text,
        ) -> Result<Out> {
            let (terms, paid) = (text(&split_terms, "splitTerms")?, text(&paid, "paid")?);
            out(&core::audit::audit_files(&terms, &paid).map_err(err)?)
        }

        /// Reads a proposal file's text (the CLI's `vote` file): `{status, tally, refused,
        /// decision}`.
        #[$js(js_name = "readProposal", $ret = "ProposalFileReading")]
        pub fn read_proposal(#[$js($arg = "string")] text: Text) -> Result<Out> {
            let f = core::governance::ProposalFile::parse(&self::text(&text, "text")?);
            out(&f.map_err(err)?.read().map_err(err)?)
        }

        /// Split terms prepared once (currency, creators, share, fee, step) to split many
        /// payments: `split(gross)` as `split()` does, `splitMinor(gross)` in minor units.
        #[$js]
        pub struct SplitTerms {
            inner: core::split::SplitTerms,
        }

        impl SplitTerms {
            fn gross_of(&self, gross: &Money<'_>) -> Result<core::money::Money> {
                let text = money(gross, self.inner.currency().code(), "gross")?;
                self.inner.gross(&text).map_err(err)
            }
        }

        #[$js]
        impl SplitTerms {
            /// The terms of `split(gross, currency, creators, options)` but the gross; the
            /// same errors, checked here once.
            #[$js(constructor)]
            pub fn new(
                #[$js($arg = "string")] currency: Text,
                #[$js($arg = "CreatorArg[]")] creators: Obj<'_>,
                #[$js($opt = "SplitOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Self> {
                let input = split_input(None, &text(&currency, "currency")?, creators, options)?;
                input.terms().map(|inner| SplitTerms { inner }).map_err(err)
            }
            /// Splits `gross`: the result of `split()`.
            #[$js($ret = "SplitResult")]
            pub fn split(&self, #[$js($arg = "Money")] gross: Money<'_>) -> Result<Out> {
                out(&self.inner.split(self.gross_of(&gross)?).map_err(err)?)
            }
            /// Splits `gross` in minor units: `{creators, creatorTotal, platform, fee}`, every
            /// amount a bigint of minor units, creators in order.
            #[$js(js_name = "splitMinor", $ret = "MinorSplit")]
            pub fn split_minor(&self, #[$js($arg = "Money")] gross: Money<'_>) -> Result<MinorOut> {
                let mut creators = vec![0; self.inner.creator_count()];
                let parts = self.inner.split_into(self.gross_of(&gross)?.minor(), &mut creators);
                minor_split(parts.map_err(err)?, &creators)
            }
        }

        /// The unrefunded balances of one split, to take refunds from.
        #[$js]
        pub struct Refundable {
            inner: core::split::Refundable,
        }

        #[$js]
        impl Refundable {
            /// The balances of a split result as `split()` returns it.
            #[$js(constructor)]
            pub fn new(#[$js($arg = "SplitResult")] split: Obj<'_>) -> Result<Self> {
                let split: serde_json::Value = obj(split, "split")?;
                core::split::Refundable::from_balances(split)
                    .map(|inner| Refundable { inner }).map_err(err)
            }
            /// Takes `amount` from the parties in proportion to their unrefunded balances:
            /// `{amount, creators: [{id, amount}], platform}`.
            #[$js($ret = "RefundResult")]
            pub fn refund(&mut self, #[$js($arg = "Money")] amount: Money<'_>) -> Result<Out> {
                let text = money(&amount, self.inner.remaining().currency().code(), "amount")?;
                out(&self.inner.refund_str(&text).map_err(err)?)
            }
            /// What remains refundable.
            #[$js(getter)]
            pub fn remaining(&self) -> String {
                self.inner.remaining().to_string()
            }
        }

        /// A ledger of splits, refunds and payouts, with the transparency report and the
        /// sovereignty summary: in memory, or (Node) kept in a durable store.
        #[$js]
        pub struct Ledger {
            pub(crate) inner: core::store::DurableLedger,
        }

        #[$js]
        impl Ledger {
            /// An empty ledger in memory. (A ledger kept in a store is Node's
            /// `await DurableLedger.open(url)`, whose writes run off the event loop; the WASM
            /// build has no store backends and says so.)
            #[$js(constructor)]
            pub fn new(
                #[$js($opt = "LedgerOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Self> {
                let options: Option<core::store::LedgerOptions> = opt_obj(options, "options")?;
                let options = options.unwrap_or_default();
                Ok(Ledger { inner: in_memory_ledger(options.store.as_deref())? })
            }
            /// The ledger kept in a store dump (`liberation-gates store dump`), in memory, its
            /// checksum chain checked first (StoreError `tampered` otherwise).
            #[$js(js_name = "fromDump")]
            pub fn from_dump(#[$js($arg = "string")] text: Text) -> Result<Ledger> {
                core::store::DurableLedger::from_dump(&self::text(&text, "text")?)
                    .map(|inner| Ledger { inner }).map_err(err)
            }
            /// Reads a JSON-lines ledger; an error names its line.
            #[$js(js_name = "fromJsonl")]
            pub fn from_jsonl(#[$js($arg = "string")] text: Text) -> Result<Ledger> {
                let ledger = core::ledger::Ledger::from_jsonl(&self::text(&text, "text")?);
                Ok(Ledger { inner: core::store::DurableLedger::in_memory(ledger.map_err(err)?) })
            }
            /// Computes and records a split; the split, as `split()` returns it.
            #[$js(js_name = "recordSplit", $ret = "SplitResult")]
            pub fn record_split(
                &mut self,
                #[$js($arg = "string")] id: Text,
                t: f64,
                #[$js($arg = "Money")] gross: Money<'_>,
                #[$js($arg = "string")] currency: Text,
                #[$js($arg = "CreatorArg[]")] creators: Obj<'_>,
                #[$js($opt = "SplitOptions | null")] options: Option<Obj<'_>>,
            ) -> Result<Out> {
                let currency = text(&currency, "currency")?;
                let input = split_input(Some(&gross), &currency, creators, options)?;
                out(&self.inner.record_split(&text(&id, "id")?, t, &input).map_err(err)?)
            }
            /// Refunds `amount` of the recorded split `splitId` and records it.
            #[$js(js_name = "recordRefund")]
            pub fn record_refund(
                &mut self,
                #[$js($arg = "string")] id: Text,
                t: f64,
                #[$js($arg = "string")] split_id: Text,
                #[$js($arg = "Money")] amount: Money<'_>,
            ) -> Result<()> {
                let split_id = text(&split_id, "splitId")?;
                let amount = money(&amount, self.inner.split_currency_code(&split_id), "amount")?;
                let id = text(&id, "id")?;
                self.inner.record_refund(&id, t, &split_id, &amount).map_err(err)
            }
            /// Records a payout the payment system made: `amount` to `creator` for split
            /// `splitId`.
            #[$js(js_name = "recordPayout")]
            pub fn record_payout(
                &mut self,
                #[$js($arg = "string")] id: Text,
                t: f64,
                #[$js($arg = "string")] split_id: Text,
                #[$js($arg = "string")] creator: Text,
                #[$js($arg = "Money")] amount: Money<'_>,
            ) -> Result<()> {
                let split_id = text(&split_id, "splitId")?;
                let amount = money(&amount, self.inner.split_currency_code(&split_id), "amount")?;
                let (id, creator) = (text(&id, "id")?, text(&creator, "creator")?);
                self.inner.record_payout(&id, t, &split_id, &creator, &amount).map_err(err)
            }
            /// The number of records.
            #[$js(getter)]
            pub fn length(&self) -> u32 {
                self.inner.ledger().records().len() as u32
            }
            /// The store's backend ("sqlite", "postgres"), or null for a ledger in memory.
            #[$js(getter, js_name = "storeBackend", $ret = "string | null")]
            pub fn store_backend(&self) -> Result<Out> {
                out(&self.inner.backend())
            }
            /// The transparency report by "day", "month" or "all" (the default).
            #[$js($ret = "TransparencyReport")]
            pub fn report(&self, #[$js($opt = "string")] period: Option<Text>) -> Result<Out> {
                let period = core::ledger::Period::named(opt_text(period, "period")?.as_deref());
                out(&self.inner.ledger().report(period.map_err(err)?))
            }
            /// The transparency report as CSV, one row per period and currency.
            #[$js(js_name = "reportCsv")]
            pub fn report_csv(
                &self,
                #[$js($opt = "string")] period: Option<Text>,
            ) -> Result<String> {
                let period = core::ledger::Period::named(opt_text(period, "period")?.as_deref());
                Ok(self.inner.ledger().report(period.map_err(err)?).to_csv())
            }
            /// The `creator_share` metric over `(now - windowSeconds, now]` in `currency`, or
            /// null.
            #[$js(js_name = "creatorShare", $ret = "number | null")]
            pub fn creator_share(
                &self,
                now: f64,
                window_seconds: f64,
                #[$js($arg = "string")] currency: Text,
            ) -> Result<Out> {
                let c = currency_arg(&currency)?;
                out(&self.inner.ledger().creator_share(now, window_seconds, c))
            }
            /// The creators' share against the 75% floor and each creator's amount in
            /// `currency`, or null when the ledger holds nothing in it.
            #[$js(js_name = "sovereigntySummary", $ret = "SovereigntySummary | null")]
            pub fn sovereignty_summary(
                &self,
                #[$js($arg = "string")] currency: Text,
            ) -> Result<Out> {
                let c = currency_arg(&currency)?;
                out(&self.inner.ledger().sovereignty_summary(c))
            }
            /// The currencies in the ledger, sorted.
            #[$js(getter)]
            pub fn currencies(&self) -> Vec<String> {
                self.inner.ledger().currencies().iter().map(|c| c.code().to_string()).collect()
            }
        }
    };
}
