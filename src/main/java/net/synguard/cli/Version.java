package net.synguard.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "dev" when running from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"synguard " + (v == null ? "dev" : v)};
    }
}
