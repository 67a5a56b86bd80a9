morgueSearch.load("d-2",{"zd":"SfWXXT_oI"});
