//! The currencies a shop can record amounts in, named for people in the
//! user's language ("euro (€)", "rupia indonèsia (Rp)") with
//! `Intl.DisplayNames`, never as bare codes where a name exists. The codes
//! go to the core, which checks them; this module only lists and names.

/**
 * The currencies in use today (ISO 4217, active codes, no funds or
 * metals), for the list. The shop's current currency is offered even when
 * it is not here.
 */
const CODES = `AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL
THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW`
  .split(/\s+/)
  .filter(Boolean);

/**
 * The currencies most shops of a jurisdiction use, listed first: the euro
 * in Spain and the euro area, then the EU's other currencies; the rupiah
 * in Indonesia.
 */
const USUAL = {
  ES: ['EUR'],
  EU: ['EUR', 'CZK', 'DKK', 'HUF', 'PLN', 'RON', 'SEK'],
  ID: ['IDR'],
};

/** "euro (€)": the currency's name in `lang`, with its symbol when it has one. */
export function currencyName(code, lang) {
  let name = code;
  try {
    name = new Intl.DisplayNames([lang], { type: 'currency' }).of(code) || code;
  } catch {
    // An engine without currency names shows the code.
  }
  let symbol = null;
  try {
    const parts = new Intl.NumberFormat(lang, { style: 'currency', currency: code, currencyDisplay: 'symbol' }).formatToParts(0);
    symbol = parts.find((p) => p.type === 'currency')?.value || null;
  } catch {
    // Not a currency the engine knows: the name alone.
  }
  return symbol && symbol !== name ? `${name} (${symbol})` : name;
}

/**
 * The options of a currency list in `lang`: the usual ones of the shop's
 * `jurisdiction` first (under `usualLabel`), then every other one by name
 * (under `allLabel`); `current` is always among them.
 */
export function currencyOptions(lang, jurisdiction, current, { usualLabel, allLabel }) {
  const usual = USUAL[jurisdiction] || [];
  const option = (code) => ({ value: code, label: currencyName(code, lang) });
  const others = [...new Set([...CODES, current].filter((c) => c && !usual.includes(c)))]
    .map(option)
    .sort((a, b) => a.label.localeCompare(b.label, lang));
  if (usual.length === 0) return others;
  return [
    { group: usualLabel, options: usual.map(option) },
    { group: allLabel, options: others },
  ];
}
