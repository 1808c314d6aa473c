// Integration check (smfd-it, maven-invoker-plugin): the program printed the backend its dependency provides.
def log = new File(basedir, 'build.log').text
assert log.contains('SMFD backend: cpu ') : "expected 'SMFD backend: cpu' in ${basedir}/build.log"
