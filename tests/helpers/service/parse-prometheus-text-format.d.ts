// The part of parse-prometheus-text-format 1.1's API the suite uses (the package ships no types).
// Output follows prom2json's: one family per metric name, its samples with values as text.
declare module 'parse-prometheus-text-format' {
  interface PrometheusSample {
    /** As written: "5.2e+07", "NaN", "+Inf". */
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
  }

  interface PrometheusFamily {
    name: string;
    help: string;
    /** GAUGE, COUNTER, HISTOGRAM, SUMMARY or UNTYPED. */
    type: string;
    metrics: PrometheusSample[];
  }

  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
