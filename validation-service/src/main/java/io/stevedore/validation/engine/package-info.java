/**
 * The validation engine on DuckDB: {@link io.stevedore.validation.engine.ValidationEngine} runs a
 * suite in at most two scans of the dataset (plus one to sample failing rows), measured from
 * DuckDB's profile; {@link io.stevedore.validation.engine.QualityScore} defines the score and the
 * verdict; {@link io.stevedore.validation.engine.Corrector} writes a corrected dataset and a
 * quarantine file.
 *
 * <p>Scans per run, as {@link io.stevedore.validation.engine.ValidationReport} reports them:
 *
 * <ul>
 *   <li>{@code scansOfData}: 1 for the aggregate query, +1 when the suite has uniqueness checks
 *       (all keys share one {@code GROUPING SETS} pass);
 *   <li>{@code scansForSamples}: +1 when a row-level check (other than uniqueness, whose samples
 *       come from its grouped pass) failed;
 *   <li>{@code scansOfReferences}: one read of each dataset a referential check names, per query
 *       that joins it.
 * </ul>
 *
 * Not counted: reading Parquet metadata, and for CSV and JSON the sniffer's sample at registration.
 * A query DuckDB answers from metadata alone (a bare {@code count(*)} over Parquet) shows no scan
 * in the profile and counts 0.
 */
package io.stevedore.validation.engine;
