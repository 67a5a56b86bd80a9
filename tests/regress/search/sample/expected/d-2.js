morgueSearch.load("d-2","ix7tr8QCAA==",2);
