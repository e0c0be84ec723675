package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens new database connections; each call returns a connection the caller owns. */
@FunctionalInterface
interface ConnectionFactory {
  Connection open() throws SQLException;
}
