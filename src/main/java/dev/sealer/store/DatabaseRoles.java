package dev.sealer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service's database role may do. The service must run as a role that can only read
 * and append: not a superuser (who can bypass triggers with session_replication_role), not the
 * owner of the tables or a member of the owner's role (who can disable triggers, alter or
 * truncate), and without UPDATE, DELETE, TRUNCATE or TRIGGER on any of them.
 */
public final class DatabaseRoles {
    /** The append-only tables the service writes. */
    public static final List<String> TABLES = List.of("suite_events", "suites", "receipts", "seal_signatures", "log_nodes", "checkpoints",
            "reseals", "audit_events", "checkpoint_timestamps", "lineage_manifests");

    private DatabaseRoles() {
    }

    /** Every way the connected role is more privileged than it should be; empty when it has least privilege. */
    public static List<String> excessPrivileges(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select current_user, rolsuper, rolbypassrls, rolcreaterole from pg_roles where rolname = current_user");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                String me = rs.getString(1);
                if (rs.getBoolean(2)) {
                    problems.add("role " + me + " is a superuser (it can bypass the append-only triggers)");
                }
                if (rs.getBoolean(3)) {
                    problems.add("role " + me + " bypasses row-level security");
                }
                if (rs.getBoolean(4)) {
                    problems.add("role " + me + " can create roles");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select t.tablename, t.tableowner, pg_has_role(current_user, t.tableowner, 'USAGE'), "
                + "has_table_privilege(current_user, format('%I.%I', t.schemaname, t.tablename), 'UPDATE'), "
                + "has_table_privilege(current_user, format('%I.%I', t.schemaname, t.tablename), 'DELETE'), "
                + "has_table_privilege(current_user, format('%I.%I', t.schemaname, t.tablename), 'TRUNCATE'), "
                + "has_table_privilege(current_user, format('%I.%I', t.schemaname, t.tablename), 'TRIGGER') "
                + "from pg_tables t where t.schemaname = current_schema() and t.tablename = any(?) order by t.tablename")) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    if (rs.getBoolean(3)) {
                        problems.add("table " + table + " is owned by " + rs.getString(2) + ", whose rights this role has (an owner can disable triggers)");
                        continue;
                    }
                    List<String> extra = new ArrayList<>();
                    String[] names = {"UPDATE", "DELETE", "TRUNCATE", "TRIGGER"};
                    for (int i = 0; i < names.length; i++) {
                        if (rs.getBoolean(4 + i)) {
                            extra.add(names[i]);
                        }
                    }
                    if (!extra.isEmpty()) {
                        problems.add("role may " + String.join(", ", extra) + " on table " + table);
                    }
                }
            }
        }
        return problems;
    }
}
